#!/usr/bin/perl

# A live MPEG-TS stream: ffmpeg pushes H.264 + AAC in MPEG-TS with
# "-method PUT http://" (a chunked body); players get it over HTTP as
# video/mp2t and over RTSP (MP2T, UDP and TCP), and over RTSP the MP3
# stream another encoder pushes; they decode without errors; the SDP says
# the stream is live.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::HTTP qw/http_listen/;
use Sluice::Media qw/rtsp_codecs vlc_decode/;

my $t = Sluice->new()->has(qw/streaming http rtsp/)
    ->has_program(qw/ffmpeg ffprobe cvlc mpv/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;

    server {
        listen 127.0.0.1:%%PORT_8000%% http;
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        publishing_point /tv {
            type    broadcast;
            source  push;
        }

        publishing_point /radio {
            type    broadcast;
            source  push;
        }
    }
}
EOF

$t->plan(14);
$t->run() or BAIL_OUT('cannot start sluice');

my $hp = $t->port(8000);
my $rp = $t->port(8554);

my $tv = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=duration=60:size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=60',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-g', '25', '-b:v', '800k', '-c:a', 'aac', '-b:a', '96k',
    '-f', 'mpegts', '-method', 'PUT', '-content_type', 'video/mp2t',
    "http://127.0.0.1:$hp/tv"]);

my $radio = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=60',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
    '-content_type', 'audio/mpeg', "icecast://source:x\@127.0.0.1:$hp/radio"]);

ok($t->wait_log(qr/encoder connected to "\/tv"/, 10),
    'ffmpeg pushes MPEG-TS with PUT (chunked)');
ok($t->wait_log(qr/encoder connected to "\/radio"/, 10),
    'ffmpeg pushes MP3 with icecast://');

# let a keyframe or two reach the ring
sleep 2;

my $r = http_listen($hp, '/tv', seconds => 2);
is($r->{headers}{'content-type'}, 'video/mp2t', 'HTTP listener: video/mp2t');
is(substr($r->{audio}, 0, 1), "\x47", 'the stream starts at a TS packet');

my $p = $t->run_cmd(['ffprobe', '-v', 'error', '-show_entries',
    'stream=codec_name', '-of', 'csv=p=0', "http://127.0.0.1:$hp/tv"],
    timeout => 20);
my %seen;
is(join(',', sort grep { length && !$seen{$_}++ } split /\s+/, $p->{out}),
    'aac,h264', 'ffprobe over HTTP sees h264 and aac') or diag($p->{err});

$p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
    "http://127.0.0.1:$hp/tv", '-t', '3', '-f', 'null', '-'], timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/,
    'ffmpeg decodes the HTTP stream without error') or diag($p->{err});

# RTSP

my $rtsp = Sluice::RTSP->new(port => $rp) or die;
my $d = $rtsp->request('DESCRIBE', "rtsp://127.0.0.1:$rp/tv",
    headers => { Accept => 'application/sdp' });
like($d->{body}, qr/a=range:npt=now-/, 'the SDP says live (npt=now-)');

for my $tr (qw/udp tcp/) {
    my $c = rtsp_codecs($t, "rtsp://127.0.0.1:$rp/tv", $tr);
    is("@{$c->{codecs}}", 'aac h264', "ffprobe over RTSP/$tr sees the TS")
        or diag($c->{err});
}

$p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-rtsp_transport',
    'tcp', '-i', "rtsp://127.0.0.1:$rp/tv", '-t', '3', '-f', 'null', '-'],
    timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/,
    'ffmpeg decodes RTSP/TCP without error') or diag($p->{err});

my $c = rtsp_codecs($t, "rtsp://127.0.0.1:$rp/radio", 'udp');
is("@{$c->{codecs}}", 'mp3', 'ffprobe over RTSP/UDP sees the MP3 push')
    or diag($c->{err});

$p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-rtsp_transport',
    'udp', '-i', "rtsp://127.0.0.1:$rp/radio", '-t', '3', '-f', 'null', '-'],
    timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/,
    'ffmpeg decodes the MP3 over RTSP/UDP without error') or diag($p->{err});

# VLC: its RTSP client on Debian (the SAT>IP module) takes MP2T over
# RTP/UDP, so it plays the TV and decodes its audio
my $v = vlc_decode($t, "rtsp://127.0.0.1:$rp/tv", 3);
ok($v->{bytes} > 2 * 44100 * 4,
    "VLC decodes the TV's audio over RTSP ($v->{bytes} bytes of WAV)")
    or diag($v->{err});

$p = $t->run_cmd(['mpv', '--no-config', '--vo=null', '--ao=null',
    '--length=2', '--rtsp-transport=tcp', "rtsp://127.0.0.1:$rp/tv"],
    timeout => 30);
ok($p->{code} == 0 && $p->{out} =~ /Video --vid=1.*h264/s
    && $p->{out} =~ /Audio --aid=1.*aac/s, 'mpv plays the TV over RTSP')
    or diag($p->{out} . $p->{err});

$t->stop_cmd($tv);
$t->stop_cmd($radio);
