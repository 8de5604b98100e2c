#!/usr/bin/perl

# Authentication and authorization in the request phases: Digest (MD5, as
# ffmpeg does it) with a users file made by scripts/sluice-passwd, a wrong
# password refused with 401 and no media, both Digest challenges on a
# request without credentials, anonymous players, "authorize read @group"
# (403 for others), encoders without write permission refused with 403 and
# let in with it, Basic over plain HTTP when auth_basic_plaintext is on
# (wrong passwords refused right after a right one was remembered),
# and a password sent in a request's URL kept out of the log.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP qw/rtsp_request/;
use Sluice::HTTP qw/http_request/;
use Sluice::Media qw/make_media rtsp_codecs/;

my $t = Sluice->new()->has(qw/streaming auth rtsp http/)
    ->has_program(qw/ffmpeg ffprobe curl/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        listen 127.0.0.1:%%PORT_8000%% http;

        auth_users %%TESTDIR%%/users;

        publishing_point /vod {
            type on_demand;
            path %%TESTDIR%%/media;
            auth digest;
        }

        publishing_point /open {
            type on_demand;
            path %%TESTDIR%%/media;
            auth anonymous;
            anonymous_user guest;
        }

        publishing_point /staff {
            type on_demand;
            path %%TESTDIR%%/media;
            auth digest;
            authorize read @staff;
        }

        publishing_point /live {
            type broadcast;
            source push;
            auth digest;
            authorize write encoder;
        }

        publishing_point /web {
            type broadcast;
            source push;
            auth basic digest;
            auth_basic_plaintext on;
            authorize write encoder;
        }
    }
}
EOF

sub passwd {
    my ($user, $password, @opts) = @_;
    my $file = $t->path('users');
    open my $fh, '|-', 'scripts/sluice-passwd', '--stdin', @opts, $file,
        $user or die "sluice-passwd: $!";
    print $fh "$password\n";
    close $fh or die "sluice-passwd $user failed";
}

passwd('alice', 'secret', '--groups', 'staff');
passwd('bob', 'hunter2');
passwd('encoder', 'pushpw');

make_media($t, 'a.mp3', 4, 'mp3');

$t->plan(24);
$t->run() or BAIL_OUT('cannot start sluice');

my $rp = $t->port(8554);
my $hp = $t->port(8000);

my $check = $t->sluice('-t');
like($check->{err}, qr/\[warn\].*Basic passwords are accepted in clear text/,
     'a warning at start-up for Basic on plain text');

# Digest, as ffmpeg answers it: MD5, the last challenge, qop=auth
my $c = rtsp_codecs($t, "rtsp://alice:secret\@127.0.0.1:$rp/vod/a.mp3");
is("@{$c->{codecs}}", 'mp3', 'ffprobe with a right password gets the stream')
    or diag($c->{err});
ok($t->wait_log(qr/authentication: user "alice", method digest MD5, granted/),
   'the Digest login is logged');

my $off = $t->log_offset();
$c = rtsp_codecs($t, "rtsp://alice:wrong\@127.0.0.1:$rp/vod/a.mp3");
ok($c->{code} != 0 && !@{$c->{codecs}}, 'a wrong password gets no media');
ok($t->wait_log(qr/authentication: user "alice", method digest MD5, denied: wrong response/,
                5, $off), 'the wrong password is logged');

# no credentials: 401 with SHA-256 then MD5, realm and nonce first
my $r = rtsp_request(port => $rp, method => 'DESCRIBE',
                     url => "rtsp://127.0.0.1:$rp/vod/a.mp3");
is($r->{status}, 401, 'no credentials: 401');
my @ch = map { $_->[1] } grep { lc $_->[0] eq 'www-authenticate' }
    @{$r->{header_list}};
is(scalar @ch, 2, 'two challenges');
like($ch[0] // '', qr/^Digest realm="Sluice", nonce="[A-Za-z0-9_-]{64}", qop="auth", algorithm=SHA-256$/,
     'SHA-256 first');
like($ch[1] // '', qr/^Digest realm="Sluice", nonce="[A-Za-z0-9_-]{64}", qop="auth", algorithm=MD5$/,
     'MD5 second');
is($r->{headers}{cseq}, 1, 'the 401 has its CSeq');

# a 200 does not carry the challenges of an earlier 401 on the connection
my $rc = Sluice::RTSP->new(port => $rp) or die;
$r = $rc->request('OPTIONS', "rtsp://127.0.0.1:$rp/vod");
is($r->{status}, 401, 'OPTIONS on /vod: 401');
$r = $rc->request('OPTIONS', "rtsp://127.0.0.1:$rp/open");
ok($r->{status} == 200 && !exists $r->{headers}{'www-authenticate'},
   'next request on the connection: 200 without challenges');
$rc->close();

# a client that sends its credentials in the URL (VLC's RTSP does):
# refused like one without, and the password is not written to the log
$off = $t->log_offset();
$r = rtsp_request(port => $rp, method => 'DESCRIBE',
                  url => "rtsp://alice:Pa55word\@127.0.0.1:$rp/vod/a.mp3");
is($r->{status}, 401, 'credentials in the URL: 401');
my $line = $t->wait_log(qr/method -, denied: no credentials/, 5, $off);
ok($line && $line =~ m{"DESCRIBE rtsp://alice:\*\@127\.0\.0\.1:\d+/vod/a\.mp3"}
   && substr($t->errlog(), $off) !~ /Pa55word/,
   'the log shows the URL without its password') or diag($line);

# anonymous
$off = $t->log_offset();
$c = rtsp_codecs($t, "rtsp://127.0.0.1:$rp/open/a.mp3");
is("@{$c->{codecs}}", 'mp3', 'anonymous: ffprobe gets the stream')
    or diag($c->{err});
ok($t->wait_log(qr/authentication: user "guest", method anonymous, granted/,
                5, $off), 'the anonymous user is logged');

# authorize read @staff
$c = rtsp_codecs($t, "rtsp://alice:secret\@127.0.0.1:$rp/staff/a.mp3");
is("@{$c->{codecs}}", 'mp3', 'a user in staff plays /staff')
    or diag($c->{err});
$off = $t->log_offset();
$c = rtsp_codecs($t, "rtsp://bob:hunter2\@127.0.0.1:$rp/staff/a.mp3");
ok($c->{code} != 0 && $c->{err} =~ /403/,
   'a user outside staff gets 403') or diag($c->{err});
ok($t->wait_log(qr/authorization: user "bob" may not read/, 5, $off),
   'the refusal is logged');

# encoders: bob may not write, encoder may
my @enc = ('ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:a', 'libmp3lame', '-b:a', '128k',
    '-f', 'rtsp', '-rtsp_transport', 'tcp');
my $e = $t->run_cmd([@enc, "rtsp://bob:hunter2\@127.0.0.1:$rp/live"],
                    timeout => 20);
ok($e->{code} != 0 && $e->{err} =~ /403/,
   'an encoder without write permission gets 403') or diag($e->{err});

my $live = $t->start_cmd([@enc, "rtsp://encoder:pushpw\@127.0.0.1:$rp/live"]);
ok($t->wait_log(qr/encoder connected to "\/live" \(RTSP/, 10),
   'the encoder user pushes');
$t->stop_cmd($live);

# HTTP with Basic on plain text: the stream of an encoder pushing over RTSP
my $web = $t->start_cmd([@enc, "rtsp://encoder:pushpw\@127.0.0.1:$rp/web"]);
$t->wait_log(qr/encoder connected to "\/web" \(RTSP/, 10);
sleep 1;

$r = http_request($hp, "GET /web HTTP/1.1\r\nHost: x\r\n\r\n", 2);
my @hc = $r->{head} =~ /^WWW-Authenticate: (\w+ [^\r]*)/mg;
ok($r->{status} == 401 && @hc == 3
   && $hc[0] =~ /^Basic realm="Sluice"/ && $hc[1] =~ /algorithm=SHA-256$/
   && $hc[2] =~ /algorithm=MD5$/,
   'HTTP without credentials: 401 with Basic, then Digest')
    or diag($r->{head});

my $cu = $t->run_cmd(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}',
    '--max-time', '2', '-u', 'alice:secret', "http://127.0.0.1:$hp/web"],
    timeout => 10);
is($cu->{out}, '200', 'curl -u gets 200');

# the password that passed is remembered (auth_basic_cache_time), a wrong
# one for the same user right after it is still refused
my @basic = map {
    $t->run_cmd(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}',
        '--max-time', '1', '-u', "alice:$_", "http://127.0.0.1:$hp/web"],
        timeout => 10)->{out}
} qw/secre secretx secret/;
is("@basic", '401 401 200',
   'after a right Basic password, wrong ones still get 401, it 200');
$t->stop_cmd($web);
