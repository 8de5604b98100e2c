#!/usr/bin/perl

# Signed URLs ("auth token"): ffprobe plays an on-demand file with a valid
# ?expires=...&token=... (made by the README's openssl one-liner and by
# Digest::SHA alike; the RTSP SETUP and PLAY carry the query before the
# track control), and is refused with 403 for a token that expired a
# second ago, one made for another path, a tampered one, and with
# auth_token_ip on one made for another address; VLC plays a signed
# MPEG-TS link (it cannot send credentials); curl gets a live point
# over HTTP with a token; "auth token" without a secret and a short
# secret are configuration errors with FILE:LINE.

use strict;
use warnings;

use Test::More;
use Digest::SHA qw/hmac_sha256 hmac_sha256_base64/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP qw/rtsp_request/;
use Sluice::HTTP qw/http_request/;
use Sluice::Media qw/make_media rtsp_codecs vlc_decode/;

my $t = Sluice->new()->has(qw/streaming auth rtsp http/)
    ->has_program(qw/ffmpeg ffprobe curl openssl/);

my $secret = 'the-link-secret-0123456789';

$t->write_file_expand('sluice.conf', <<"EOF");
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;
    auth_token_secret $secret;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        listen 127.0.0.1:%%PORT_8000%% http;

        publishing_point /vod {
            type on_demand;
            path %%TESTDIR%%/media;
            auth token;
        }

        publishing_point /other {
            type on_demand;
            path %%TESTDIR%%/media;
            auth token;
        }

        publishing_point /ip {
            type on_demand;
            path %%TESTDIR%%/media;
            auth token;
            auth_token_ip on;
        }

        publishing_point /live {
            type broadcast;
            source push;
            auth token;
        }
    }
}
EOF

make_media($t, 'a.mp3', 4, 'mp3');
make_media($t, 'b.mp4', 4, 'mp4');
make_media($t, 'c.ts', 4, 'ts');

$t->plan(19);
$t->run() or BAIL_OUT('cannot start sluice');

my $rp = $t->port(8554);
my $hp = $t->port(8000);

sub token {
    my ($path, $expires, $ip) = @_;
    my $msg = "$path\n$expires" . (defined $ip ? "\n$ip" : '');
    return hmac_sha256_base64($msg, $secret) =~ tr{+/}{-_}r;
}

sub url {
    my ($path, $expires, $token) = @_;
    return "rtsp://127.0.0.1:$rp$path?expires=$expires&token=$token";
}

my $exp = time() + 3600;

# the README's one-liner makes the same token
my $sh = $t->run_cmd(['sh', '-c', 'printf "%s\n%s" "$1" "$2" | openssl dgst '
    . '-sha256 -hmac "$3" -binary | base64 | tr "+/" "-_" | tr -d "="',
    'sh', '/vod/a.mp3', $exp, $secret]);
my $tok = token('/vod/a.mp3', $exp);
is($sh->{out} =~ s/\s+//gr, $tok, 'the shell one-liner makes the token');
is(length $tok, 43, 'a token is 43 characters');

my $off = $t->log_offset();
my $c = rtsp_codecs($t, url('/vod/a.mp3', $exp, $tok), 'tcp');
is("@{$c->{codecs}}", 'mp3', 'ffprobe plays a signed URL') or diag($c->{err});
ok($t->wait_log(qr/authentication: user "token", method token, granted/,
                5, $off), 'the token login is logged');

$c = rtsp_codecs($t, url('/vod/a.mp3', $exp, $tok), 'udp');
is("@{$c->{codecs}}", 'mp3', 'and over UDP') or diag($c->{err});

# two tracks: each SETUP names its track after the query
my $t4 = token('/vod/b.mp4', $exp);
for my $tr ('tcp', 'udp') {
    $c = rtsp_codecs($t, url('/vod/b.mp4', $exp, $t4), $tr);
    is("@{$c->{codecs}}", 'aac h264', "an MP4 file's two tracks over $tr")
        or diag($c->{err});
}

# VLC, whose RTSP client on Debian sends no credentials: a signed URL is
# how it plays a protected point (MPEG-TS, the payload it takes).  It
# lowercases the query, so the token is in hex (given here in upper case)
SKIP: {
    skip 'no cvlc', 1 unless Sluice::_which('cvlc') || $ENV{TEST_SLUICE_STRICT};
    my $hex = unpack('H*', hmac_sha256("/vod/c.ts\n$exp", $secret));
    my $v = vlc_decode($t, url('/vod/c.ts', $exp, uc $hex), 4);
    ok($v->{bytes} > 3 * 44100 * 4,
       "VLC plays a signed URL ($v->{bytes} bytes of WAV)") or diag($v->{err});
}

# expired a second ago
my $old = time() - 1;
$off = $t->log_offset();
$c = rtsp_codecs($t, url('/vod/a.mp3', $old, token('/vod/a.mp3', $old)));
ok($c->{code} != 0 && $c->{err} =~ /403/, 'an expired token: 403')
    or diag($c->{err});
ok($t->wait_log(qr/method token, denied: expired token/, 5, $off),
   'the expiry is logged');

# made for another path
$c = rtsp_codecs($t, url('/other/a.mp3', $exp, $tok));
ok($c->{code} != 0 && $c->{err} =~ /403/, 'another path: 403')
    or diag($c->{err});

# tampered: one character changed, or expires moved
my $bad = $tok;
substr($bad, 10, 1) = substr($bad, 10, 1) eq 'A' ? 'B' : 'A';
my $r = rtsp_request(port => $rp, method => 'DESCRIBE',
                     url => url('/vod/a.mp3', $exp, $bad));
is($r->{status}, 403, 'a tampered token: 403');
$r = rtsp_request(port => $rp, method => 'DESCRIBE',
                  url => url('/vod/a.mp3', $exp + 1, $tok));
is($r->{status}, 403, 'another expiry with the same token: 403');
$r = rtsp_request(port => $rp, method => 'DESCRIBE',
                  url => "rtsp://127.0.0.1:$rp/vod/a.mp3");
ok($r->{status} == 403 && !exists $r->{headers}{'www-authenticate'},
   'no token: 403 without a challenge');

# auth_token_ip on: the token names the client's address
$c = rtsp_codecs($t, url('/ip/a.mp3', $exp,
                         token('/ip/a.mp3', $exp, '127.0.0.1')));
is("@{$c->{codecs}}", 'mp3', 'a token for this address plays')
    or diag($c->{err});
$c = rtsp_codecs($t, url('/ip/a.mp3', $exp,
                         token('/ip/a.mp3', $exp, '192.0.2.7')));
ok($c->{code} != 0 && $c->{err} =~ /403/, 'a token for another address: 403')
    or diag($c->{err});

# HTTP: a live point pushed over RTSP (with a token of its own)
my $lt = token('/live', $exp);
my $live = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'rtsp',
    '-rtsp_transport', 'tcp', url('/live', $exp, $lt)]);
$t->wait_log(qr/encoder connected to "\/live" \(RTSP/, 10);
sleep 1;

my $cu = $t->run_cmd(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}',
    '--max-time', '2', "http://127.0.0.1:$hp/live?expires=$exp&token=$lt"],
    timeout => 10);
is($cu->{out}, '200', 'curl gets the live point with a token');
$cu = $t->run_cmd(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}',
    '--max-time', '2', "http://127.0.0.1:$hp/live?expires=$exp&token=$tok"],
    timeout => 10);
is($cu->{out}, '403', 'and 403 with the token of another path');
$t->stop_cmd($live);

# configuration errors
my $d = $t->testdir();
$t->write_file('nosecret.conf', <<'EOF');
events { }
streaming {
    server {
        publishing_point /vod {
            auth token;
        }
    }
}
EOF
$t->write_file('short.conf', <<'EOF');
events { }
streaming {
    auth_token_secret short;
}
EOF
my $e1 = $t->sluice('-c', "$d/nosecret.conf", '-t');
my $e2 = $t->sluice('-c', "$d/short.conf", '-t');
ok($e1->{code} == 1
   && $e1->{err} =~ /"auth token" needs "auth_token_secret" in \S*nosecret\.conf:5/
   && $e2->{code} == 1
   && $e2->{err} =~ /"auth_token_secret" must have 16 bytes at least in \S*short\.conf:3/,
   'no secret, or a short one: errors with FILE:LINE')
    or diag("$e1->{err}\n$e2->{err}");
