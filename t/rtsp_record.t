#!/usr/bin/perl

# Encoders pushing over RTSP (ANNOUNCE, SETUP mode=record, RECORD): ffmpeg
# sends H.264 + AAC over TCP interleaved and MP3 over UDP; players get them
# over RTSP (ffprobe, ffmpeg, GStreamer) and HTTP (MPEG-TS, MP3); a second
# encoder gets 455; the archive is a file ffprobe reads.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::HTTP qw/http_listen/;
use Sluice::Media qw/rtsp_codecs/;

my $t = Sluice->new()->has(qw/streaming http rtsp/)
    ->has_program(qw/ffmpeg ffprobe gst-launch-1.0/);

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

        publishing_point /cam {
            type    broadcast;
            source  push;
            archive archive/cam-%H%M%S;
        }

        publishing_point /radio {
            type    broadcast;
            source  push;
        }

        publishing_point /spare {
            type    broadcast;
            source  push;
        }
    }
}
EOF

mkdir $t->path('archive');

$t->plan(13);
$t->run() or BAIL_OUT('cannot start sluice');

my $rp = $t->port(8554);
my $hp = $t->port(8000);

my $cam = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=duration=60:size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=60',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-g', '25', '-b:v', '600k', '-c:a', 'aac', '-b:a', '96k',
    '-f', 'rtsp', '-rtsp_transport', 'tcp', "rtsp://127.0.0.1:$rp/cam"]);

my $radio = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=60',
    '-c:a', 'libmp3lame', '-b:a', '128k',
    '-f', 'rtsp', '-rtsp_transport', 'udp', "rtsp://127.0.0.1:$rp/radio"]);

ok($t->wait_log(qr/encoder connected to "\/cam" \(RTSP/, 10),
    'ffmpeg announces H.264 + AAC over TCP');
ok($t->wait_log(qr/encoder connected to "\/radio" \(RTSP/, 10),
    'ffmpeg announces MP3 over UDP');

sleep 2.5;

for my $tr (qw/tcp udp/) {
    my $c = rtsp_codecs($t, "rtsp://127.0.0.1:$rp/cam", $tr);
    is("@{$c->{codecs}}", 'aac h264', "RTSP/$tr player sees h264 and aac")
        or diag($c->{err});
}

my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-rtsp_transport',
    'tcp', '-i', "rtsp://127.0.0.1:$rp/cam", '-t', '3', '-f', 'null', '-'],
    timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/, 'ffmpeg decodes the camera')
    or diag($p->{err});

$p = $t->run_cmd(['gst-launch-1.0', '-q', 'rtspsrc',
    "location=rtsp://127.0.0.1:$rp/cam", 'protocols=tcp', '!',
    'rtph264depay', '!', 'h264parse', '!', 'avdec_h264', '!',
    'fakesink', 'num-buffers=50'], timeout => 20);
is($p->{code}, 0, 'GStreamer decodes 50 pictures') or diag($p->{err});

$p = $t->run_cmd(['ffprobe', '-v', 'error', '-show_entries',
    'stream=codec_name', '-of', 'csv=p=0', "http://127.0.0.1:$hp/cam"],
    timeout => 20);
my %seen;
is(join(',', sort grep { length && !$seen{$_}++ } split /\s+/, $p->{out}),
    'aac,h264', 'over HTTP the camera is MPEG-TS with h264 and aac')
    or diag($p->{err});

$p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
    "http://127.0.0.1:$hp/cam", '-t', '3', '-f', 'null', '-'], timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/, 'ffmpeg decodes it over HTTP')
    or diag($p->{err});

my $r = http_listen($hp, '/radio', seconds => 2);
is($r->{headers}{'content-type'}, 'audio/mpeg',
    'the RTSP MP3 push is MP3 over HTTP');

$p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
    "http://127.0.0.1:$hp/radio", '-t', '3', '-f', 'null', '-'],
    timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/, 'and decodes') or diag($p->{err});

# a second encoder on the busy point

my $c = Sluice::RTSP->new(port => $rp) or die;
my $sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n"
    . "m=audio 0 RTP/AVP 14\r\na=control:streamid=0\r\n";
my $a = $c->request('ANNOUNCE', "rtsp://127.0.0.1:$rp/radio",
    headers => { 'Content-Type' => 'application/sdp' }, body => $sdp);
is($a->{status}, 455, 'a second encoder gets 455');
$c->close();

# bad encoders: a malformed SDP, a codec Sluice cannot take; neither
# claims the point; one that vanishes after ANNOUNCE frees it

$c = Sluice::RTSP->new(port => $rp) or die;
$a = $c->request('ANNOUNCE', "rtsp://127.0.0.1:$rp/spare",
    headers => { 'Content-Type' => 'application/sdp' },
    body => "m=audio\r\nnonsense\r\n");
my $bad = $a->{status};
$a = $c->request('ANNOUNCE', "rtsp://127.0.0.1:$rp/spare",
    headers => { 'Content-Type' => 'application/sdp' },
    body => "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n"
        . "m=video 0 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n");
my $codec = $a->{status};
$a = $c->request('RECORD', "rtsp://127.0.0.1:$rp/spare",
    headers => { Session => 'nosuchsession' });
my $record = $a->{status};
$a = $c->request('ANNOUNCE', "rtsp://127.0.0.1:$rp/spare",
    headers => { 'Content-Type' => 'application/sdp' }, body => $sdp);
my $good = $a->{status};
$c->close();
sleep 0.3;

$c = Sluice::RTSP->new(port => $rp) or die;
$a = $c->request('ANNOUNCE', "rtsp://127.0.0.1:$rp/spare",
    headers => { 'Content-Type' => 'application/sdp' }, body => $sdp);
is("$bad $codec $record $good $a->{status}", '400 415 454 200 200',
    'malformed SDP 400, unknown codec 415, RECORD without session 454; '
    . 'the point stays free, and free again when its encoder vanishes');
$c->close();

# the archive

$t->stop_cmd($cam, 'INT');
$t->wait_log(qr/archive ".*cam-\d+\.ts" closed/, 10);

opendir my $d, $t->path('archive');
my ($f) = grep { /^cam-\d+\.ts$/ } readdir $d;
$p = $t->run_cmd(['ffprobe', '-v', 'error', '-show_entries',
    'stream=codec_name', '-of', 'csv=p=0', $t->path("archive/" . ($f // 'x'))],
    timeout => 20);
%seen = ();
is(join(',', sort grep { length && !$seen{$_}++ } split /\s+/, $p->{out}),
    'aac,h264', 'the archive is MPEG-TS ffprobe reads: h264 and aac')
    or diag("$f: $p->{err}");

$t->stop_cmd($radio);
