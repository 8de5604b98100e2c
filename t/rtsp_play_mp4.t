#!/usr/bin/perl

# On-demand MP4 (H.264 + AAC) over RTSP: ffprobe and ffmpeg over UDP and
# TCP get H.264 (RFC 6184) and AAC (RFC 3640) covering the file and decode
# them without an error, with the moov box before or after mdat; GStreamer's
# rtspsrc plays it; a seek starts within a second; an aggregate SETUP of a
# file with two tracks is refused (459).

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media file_duration rtsp_codecs rtsp_span
    rtsp_decode rtsp_seek_start/;

my $t = Sluice->new()->has(qw/streaming rtsp/)
    ->has_program(qw/ffmpeg ffprobe gst-launch-1.0/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        publishing_point /vod {
            type        on_demand;
            path        %%TESTDIR%%/media;
            fast_start  60s;          # decoding checks need no real time
            fast_start_rate 20;
        }
    }
}
EOF

make_media($t, 'faststart.mp4', 8, 'mp4');
make_media($t, 'moovlast.mp4', 8, 'mp4moovlast');
make_media($t, 'long.mp4', 24, 'mp4');

$t->plan(23);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);

for my $f (qw/faststart.mp4 moovlast.mp4/) {
    my $dur = file_duration($t, $t->path("media/$f"));
    my $url = "rtsp://127.0.0.1:$port/vod/$f";

    for my $tr (qw/udp tcp/) {
        my $c = rtsp_codecs($t, $url, $tr);
        is("@{$c->{codecs}}", 'aac h264', "$f over $tr: H.264 and AAC")
            or diag($c->{err});

        my $s = rtsp_span($t, $url, $tr);
        for my $i (0, 1) {
            my $span = $s->{span}{$i} // 0;
            ok(abs($span - $dur) <= 0.02 * $dur,
                "$f over $tr: stream $i covers the file ($span of $dur s)")
                or diag($s->{err});
        }

        my $d = rtsp_decode($t, $url, $tr);
        ok($d->{code} == 0 && $d->{err} !~ /\S/,
            "$f over $tr: ffmpeg decodes without an error") or diag($d->{err});
    }
}

# GStreamer
for my $proto (qw/udp tcp/) {
    my $r = $t->run_cmd(['gst-launch-1.0', '-q', 'rtspsrc',
        "location=rtsp://127.0.0.1:$port/vod/faststart.mp4",
        "protocols=$proto", 'name=src',
        'src.', '!', 'rtph264depay', '!', 'h264parse', '!', 'avdec_h264',
        '!', 'fakesink',
        'src.', '!', 'rtpmp4gdepay', '!', 'aacparse', '!', 'avdec_aac', '!',
        'fakesink'], timeout => 60);
    is($r->{code}, 0, "gst-launch rtspsrc over $proto plays the MP4 to its end")
        or diag("$r->{err}$r->{out}");
}

# seeking
for my $tr (qw/udp tcp/) {
    my $r = rtsp_seek_start($t, "rtsp://127.0.0.1:$port/vod/long.mp4", $tr, 20);
    my ($first) = sort { $a <=> $b } values %{$r->{first}};
    ok(defined $first && abs($first - 20) <= 1,
        "seek to 20 s over $tr: playback starts within 1 s of it")
        or diag("first frame at " . ($first // 'none') . ": $r->{err}");
}

# one SETUP for a file of two tracks is not allowed
my $c = Sluice::RTSP->new(port => $port);
my $r = $c->request('SETUP', "rtsp://127.0.0.1:$port/vod/faststart.mp4",
    headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
is($r && $r->{status}, 459, 'aggregate SETUP of two tracks: 459');

# the SDP carries the H.264 parameter sets and the AAC config
$r = $c->request('DESCRIBE', "rtsp://127.0.0.1:$port/vod/faststart.mp4");
like($r && $r->{body}, qr/^a=fmtp:\d+ .*packetization-mode=1.*sprop-parameter-sets=[A-Za-z0-9+\/=]+,[A-Za-z0-9+\/=]+/m,
    'SDP: H.264 fmtp with sprop-parameter-sets');
like($r && $r->{body}, qr/^a=fmtp:\d+ .*mode=AAC-hbr.*config=[0-9a-fA-F]+/m,
    'SDP: AAC-hbr fmtp with config');
