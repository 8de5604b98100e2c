#!/usr/bin/perl

# The server under valgrind (the build without sanitizers that
# scripts/test makes first): players set up, play, seek and tear down over
# UDP and TCP, a session times out, bad requests are refused, RTSPS and
# HTTPS play, a relay pulls over HTTPS and a TLS handshake is broken off;
# valgrind must report no invalid access, no uninitialised value and no
# lost block.
# Valgrind has no openat2(), so the on-demand source takes its fallback
# path walk here (no symbolic link at all).

use strict;
use warnings;

my $plain;

BEGIN {
    $plain = $ENV{TEST_SLUICE_PLAIN_BINARY};
    if (defined $plain) {
        $ENV{TEST_SLUICE_BINARY} = $ENV{TEST_SLUICE_VALGRIND_WRAPPER}
            = "/tmp/sluice-valgrind-$$";
    }
}

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media rtsp_span/;
use Sluice::HTTP qw/http_listen http_connect/;
use Sluice::TLS qw/make_ca make_cert/;

plan(skip_all => 'no plain build (scripts/test makes one)') unless $plain;

my $t = Sluice->new();
my $vgdir = $t->path('valgrind');
mkdir $vgdir;

# the binary the harness runs: valgrind around the plain build
open my $fh, '>', "/tmp/sluice-valgrind-$$" or die;
print $fh "#!/bin/sh\nexec valgrind -q --trace-children=yes "
    . "--leak-check=full --show-leak-kinds=definite "
    . "--errors-for-leak-kinds=definite "
    . "--log-file=$vgdir/vg.%p $plain \"\$@\"\n";
close $fh;
chmod 0755, "/tmp/sluice-valgrind-$$";
END { unlink "/tmp/sluice-valgrind-$$" if $plain }

$t->has(qw/streaming rtsp ssl/)
    ->has_program(qw/valgrind ffmpeg ffprobe curl openssl/);

make_ca($t);
make_cert($t, 'server', 'localhost');

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    session_timeout 2s;
    allow_push 127.0.0.1;
    source_timeout 1s;
    source_ssl_trusted_certificate %%TESTDIR%%/ca.pem;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        listen 127.0.0.1:%%PORT_8000%% http;
        listen 127.0.0.1:%%PORT_8322%% rtsp ssl;
        listen 127.0.0.1:%%PORT_8443%% http ssl;

        ssl_certificate %%TESTDIR%%/server.pem;
        ssl_certificate_key %%TESTDIR%%/server.key;

        publishing_point /live { type broadcast; source push; }
        publishing_point /relay {
            type broadcast;
            source https://localhost:%%PORT_8443%%/live;
        }
        publishing_point /cam {
            type broadcast;
            source push;
            archive %%TESTDIR%%/cam-%H%M%S;
        }

        publishing_point /vod {
            type        on_demand;
            path        %%TESTDIR%%/media;
            fast_start  60s;
            fast_start_rate 20;
        }
        publishing_point /d { deny all; }
    }
}
EOF

make_media($t, 'a.mp3', 4, 'mp3');
make_media($t, 'a.mp4', 4, 'mp4');
make_media($t, 'a.ts', 4, 'ts');

$t->plan(16);
$t->run(timeout => 60) or BAIL_OUT('cannot start sluice under valgrind');

my $port = $t->port(8554);

for my $f (qw/a.mp3 a.mp4 a.ts/) {
    for my $tr (qw/udp tcp/) {
        my $s = rtsp_span($t, "rtsp://127.0.0.1:$port/vod/$f", $tr,
            timeout => 120);
        ok(scalar keys %{$s->{span}}, "$f over $tr under valgrind")
            or diag($s->{err});
    }
}

# refusals, a seek, a session left to time out
my $c = Sluice::RTSP->new(port => $port, timeout => 20);
my $r = $c->request('DESCRIBE', "rtsp://127.0.0.1:$port/d/x");
$c->request('DESCRIBE', "rtsp://127.0.0.1:$port/vod/../x.mp3");
$c->request('DESCRIBE', "rtsp://127.0.0.1:$port/vod/none.mp3");
$c->send_raw("GARBAGE\r\n\r\n");
$c = Sluice::RTSP->new(port => $port, timeout => 20);
$r = $c->request('SETUP', "rtsp://127.0.0.1:$port/vod/a.mp4/trackID=0",
    headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
my ($sid) = ($r && $r->{headers}{session} // '') =~ /^(\w+)/;
$r = $c->request('PLAY', "rtsp://127.0.0.1:$port/vod/a.mp4",
    headers => [['Session', $sid // ''], ['Range', 'npt=2-']]);
is($r && $r->{status}, 200, 'a seek under valgrind');
$c->read_frames(1);
$c->close();

# a session whose client goes quiet: session_timeout ends it
$c = Sluice::RTSP->new(port => $port, timeout => 20);
$c->request('SETUP', "rtsp://127.0.0.1:$port/vod/a.mp3/trackID=0",
    headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
sleep 4;
$c->close();

# live: an MP3 pushed over HTTP, H.264 + AAC over RTSP, players of both

my $hp = $t->port(8000);
my $radio = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=duration=8', '-c:a', 'libmp3lame',
    '-b:a', '128k', '-f', 'mp3', '-content_type', 'audio/mpeg',
    "icecast://source:x\@127.0.0.1:$hp/live"]);
my $cam = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-i', $t->path('media/a.mp4'), '-c', 'copy', '-f', 'rtsp',
    '-rtsp_transport', 'tcp', "rtsp://127.0.0.1:$port/cam"]);
$t->wait_log(qr/encoder connected to "\/live"/, 30);
$t->wait_log(qr/encoder connected to "\/cam"/, 30);
sleep 2;

$r = http_listen($hp, '/live', icy => 1, seconds => 2);
ok(length($r->{audio} // '') > 10000, 'HTTP live MP3 with ICY under valgrind');
$r = http_listen($hp, '/cam', seconds => 1);
is($r->{headers}{'content-type'}, 'video/mp2t',
    'HTTP live MPEG-TS (multiplexed) under valgrind');
my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-rtsp_transport',
    'tcp', '-i', "rtsp://127.0.0.1:$port/live", '-t', '1', '-f', 'null', '-'],
    timeout => 60);
is($p->{code}, 0, 'RTSP live under valgrind') or diag($p->{err});

# TLS: RTSPS on demand, HTTPS live, a handshake broken off
my $sp = $t->port(8322);
my $s = rtsp_span($t, "rtsps://127.0.0.1:$sp/vod/a.mp4", 'tcp',
    timeout => 120);
ok(scalar keys %{$s->{span}}, 'RTSPS under valgrind') or diag($s->{err});
my $tp = $t->port(8443);
$p = $t->run_cmd(['curl', '-s', '--cacert', $t->path('ca.pem'),
    '--max-time', '2', '-o', $t->path('https.mp3'),
    "https://localhost:$tp/live"], timeout => 30);
ok((-s $t->path('https.mp3') // 0) > 10000, 'HTTPS live under valgrind');
$r = http_listen($hp, '/relay', seconds => 2);
ok(length($r->{audio} // '') > 10000, 'a pull over HTTPS under valgrind');
my $half = http_connect($sp);
ok($half && syswrite($half, "\x16\x03\x01\x00\x05hello"),
   'a broken TLS handshake under valgrind');
close $half if $half;

$t->stop_cmd($cam, 'INT');
$t->wait_log(qr/encoder of "\/live" finished/, 30);
$t->stop_cmd($radio);
ok($t->wait_log(qr/archive ".*" closed/, 10), 'the archive closed');
sleep 2;

$t->stop();

my @reports;
for my $f (glob("$vgdir/vg.*")) {
    my $text = $t->read_file($f) // '';
    $text =~ s/^--\d+-- (WARNING: unhandled amd64-linux syscall: 437|You may be able|Read the file README_MISSING|Nevertheless we consider|it at http).*\n//mg;
    push @reports, "$f:\n$text" if $text =~ /\S/;
}
is(scalar @reports, 0, 'valgrind reports nothing') or diag(join "\n", @reports);
