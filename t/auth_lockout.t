#!/usr/bin/perl

# Brute force and replays under Digest: after auth_max_failures wrong
# passwords from one address, even the right one gets 403 for
# auth_lockout, logged once at warn, and plays again once it is over; a
# request replayed with the same nonce-count (raw RTSP, the response
# computed here with MD5) is refused the second time with a fresh 401,
# while the next count passes.  Two workers share the table.

use strict;
use warnings;

use Test::More;
use Digest::MD5 qw/md5_hex/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media rtsp_codecs/;

my $t = Sluice->new()->has(qw/streaming auth rtsp/)
    ->has_program(qw/ffmpeg ffprobe/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    auth_max_failures 3;
    auth_failure_window 1m;
    auth_lockout 3s;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        auth_users %%TESTDIR%%/users;

        publishing_point /vod {
            type on_demand;
            path %%TESTDIR%%/media;
            auth digest;
        }
    }
}
EOF

open my $fh, '|-', 'scripts/sluice-passwd', '--stdin', $t->path('users'),
    'alice' or die "sluice-passwd: $!";
print $fh "secret\n";
close $fh or die 'sluice-passwd failed';

make_media($t, 'a.mp3', 4, 'mp3');

$t->plan(13);
$t->run() or BAIL_OUT('cannot start sluice');

my $rp = $t->port(8554);
my $url = "rtsp://127.0.0.1:$rp/vod/a.mp3";

# replays first: a refused replay is no failure of the password

sub nonce_of {
    my ($r) = @_;
    for my $h (@{$r->{header_list}}) {
        next unless lc $h->[0] eq 'www-authenticate';
        return $1 if $h->[1] =~ /nonce="([^"]+)".*algorithm=MD5$/;
    }
    return undef;
}

sub digest_header {
    my ($nonce, $nc) = @_;
    my $cnonce = '0a4f113b';
    my $ha1 = md5_hex('alice:Sluice:secret');
    my $ha2 = md5_hex("DESCRIBE:$url");
    my $resp = md5_hex("$ha1:$nonce:$nc:$cnonce:auth:$ha2");
    return qq{Digest username="alice", realm="Sluice", nonce="$nonce", }
        . qq{uri="$url", response="$resp", algorithm=MD5, qop=auth, }
        . qq{nc=$nc, cnonce="$cnonce"};
}

my $c = Sluice::RTSP->new(port => $rp) or die $@;
my $r = $c->request('DESCRIBE', $url);
my $nonce = nonce_of($r);
ok($r->{status} == 401 && defined $nonce, 'a 401 with an MD5 nonce');

my $auth = digest_header($nonce, '00000001');
$r = $c->request('DESCRIBE', $url, headers => [['Authorization', $auth]]);
is($r->{status}, 200, 'the response computed for nc=00000001 is taken');

# the same bytes again, on another connection (so another worker may
# answer): the table is shared
$c->close();
$c = Sluice::RTSP->new(port => $rp) or die $@;
my $off = $t->log_offset();
$r = $c->request('DESCRIBE', $url, headers => [['Authorization', $auth]]);
my $fresh = nonce_of($r);
ok($r->{status} == 401 && defined $fresh && $fresh ne $nonce
   && ($r->{headers}{'www-authenticate'} // '') !~ /stale/,
   'the replay gets 401 with a fresh nonce, not stale')
    or diag($r->{raw});
ok($t->wait_log(qr/method digest MD5, denied: nonce-count replayed/, 5,
                $off), 'the replay is logged');

$r = $c->request('DESCRIBE', $url,
                 headers => [['Authorization',
                              digest_header($nonce, '00000002')]]);
is($r->{status}, 200, 'the next nonce-count is taken');
$c->close();

# lockout: three wrong passwords with ffprobe
$off = $t->log_offset();

for my $i (1 .. 3) {
    my $w = rtsp_codecs($t, "rtsp://alice:wrong\@127.0.0.1:$rp/vod/a.mp3");
    ok($w->{code} != 0 && $w->{err} =~ /401/, "wrong password $i: 401")
        or diag($w->{err});
}

ok($t->wait_log(qr/\[warn\].*client locked out for 3 s after 3 failures/,
                5, $off), 'the lockout is logged at warn');

my $p = rtsp_codecs($t, "rtsp://alice:secret\@127.0.0.1:$rp/vod/a.mp3");
ok($p->{code} != 0 && $p->{err} =~ /403/ && !@{$p->{codecs}},
   'locked out: the right password gets 403') or diag($p->{err});
ok($t->wait_log(qr/authentication: client locked out, \d+ s left/, 5,
                $off), 'the refused attempt is logged');

my $warns = () = ($t->read_file('logs/error.log') // '')
    =~ /client locked out for/g;
is($warns, 1, 'the warning is logged once');

sleep 4;

$p = rtsp_codecs($t, "rtsp://alice:secret\@127.0.0.1:$rp/vod/a.mp3");
is("@{$p->{codecs}}", 'mp3', 'after the lockout the right password plays')
    or diag($p->{err});
