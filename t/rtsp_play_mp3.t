#!/usr/bin/perl

# On-demand MP3 over RTSP: ffprobe and ffmpeg over UDP and TCP get MPEG
# audio (RFC 2250) covering the whole file and decode it without an error.
# (VLC's RTSP client on Debian, the SAT>IP module, takes only MP2T: it is
# judged in rtsp_play_ts.t and live_ts.t.)

use strict;
use warnings;

use Test::More;
use Time::HiRes;

use lib 't/lib';
use Sluice;
use Sluice::Media qw/make_media file_duration rtsp_codecs rtsp_span
    rtsp_decode rtsp_seek_start/;

my $t = Sluice->new()->has(qw/streaming rtsp/)->has_program(qw/ffmpeg ffprobe/);

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

make_media($t, 'cbr.mp3', 8, 'mp3');
make_media($t, 'vbr.mp3', 8, 'mp3vbr');

$t->plan(14);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);

for my $f (qw/cbr.mp3 vbr.mp3/) {
    my $dur = file_duration($t, $t->path("media/$f"));
    my $url = "rtsp://127.0.0.1:$port/vod/$f";

    for my $tr (qw/udp tcp/) {
        my $c = rtsp_codecs($t, $url, $tr);
        is("@{$c->{codecs}}", 'mp3', "$f over $tr: ffprobe sees mp3")
            or diag($c->{err});

        my $s = rtsp_span($t, $url, $tr);
        my $span = $s->{span}{0} // 0;
        ok(abs($span - $dur) <= 0.02 * $dur,
            "$f over $tr: packets cover the file ($span of $dur s)")
            or diag($s->{err});

        my $d = rtsp_decode($t, $url, $tr);
        ok($d->{code} == 0 && $d->{err} !~ /\S/,
            "$f over $tr: ffmpeg decodes without an error")
            or diag($d->{err});
    }
}

# seeking: -ss 5 starts within a second of 5 s
for my $tr (qw/udp tcp/) {
    my $url = "rtsp://127.0.0.1:$port/vod/cbr.mp3";
    my $r = rtsp_seek_start($t, $url, $tr, 5);
    my $first = $r->{first}{0};
    ok(defined $first && abs($first - 5) <= 1,
        "seek to 5 s over $tr: playback starts within 1 s of it")
        or diag("first frame at " . ($first // 'none') . ": $r->{err}");
}
