#!/usr/bin/perl

# On-demand MPEG-TS over RTSP (RFC 2250 MP2T): ffprobe and ffmpeg over UDP
# and TCP find H.264 and AAC inside, receive the whole file and decode it
# without an error; paced by the PCR, a play lasts as long as the media
# less what fast start sends ahead; a seek lands within a second.  VLC
# (its RTSP client on Debian is the SAT>IP module, which takes MP2T over
# RTP/UDP) decodes the audio.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::Media qw/make_media file_duration rtsp_codecs rtsp_span
    rtsp_decode rtsp_seek_start vlc_decode/;

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

        publishing_point /paced {
            type        on_demand;
            path        %%TESTDIR%%/media;
            fast_start  2s;
            fast_start_rate 4;
        }
    }
}
EOF

make_media($t, 'a.ts', 8, 'ts');
make_media($t, 'long.ts', 24, 'ts');

$t->plan(15);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $dur = file_duration($t, $t->path('media/a.ts'));
my $url = "rtsp://127.0.0.1:$port/vod/a.ts";

for my $tr (qw/udp tcp/) {
    my $c = rtsp_codecs($t, $url, $tr);
    is("@{$c->{codecs}}", 'aac h264', "over $tr: ffprobe finds H.264 and AAC")
        or diag($c->{err});

    my $s = rtsp_span($t, $url, $tr);
    for my $i (sort keys %{$s->{span}}) {
        my $span = $s->{span}{$i};
        ok(abs($span - $dur) <= 0.02 * $dur,
            "over $tr: stream $i covers the file ($span of $dur s)")
            or diag($s->{err});
    }
    is(scalar keys %{$s->{span}}, 2, "over $tr: two streams received");

    my $d = rtsp_decode($t, $url, $tr);
    ok($d->{code} == 0 && $d->{err} !~ /\S/,
        "over $tr: ffmpeg decodes without an error") or diag($d->{err});
}

# paced: 8 s of media, 2 s of it sent at 4x: about 6.5 s of wall clock
my $p = rtsp_span($t, "rtsp://127.0.0.1:$port/paced/a.ts", 'tcp');
ok($p->{wall} >= 5.5 && $p->{wall} <= 12,
    sprintf('paced by the PCR: %.1f s for %.1f s of media', $p->{wall}, $dur));
ok(abs(($p->{span}{0} // 0) - $dur) <= 0.02 * $dur, 'paced: all of it');

# seeking in a 24 s file
for my $tr (qw/udp tcp/) {
    my $r = rtsp_seek_start($t, "rtsp://127.0.0.1:$port/vod/long.ts", $tr, 20);
    my ($first) = sort { $a <=> $b } values %{$r->{first}};
    ok(defined $first && abs($first - 20) <= 1,
        "seek to 20 s over $tr: playback starts within 1 s of it")
        or diag("first frame at " . ($first // 'none') . ": $r->{err}");
}

# VLC: the WAV of 8 s of 44.1 kHz or more stereo 16-bit audio
SKIP: {
    skip 'no cvlc', 1 unless Sluice::_which('cvlc') || $ENV{TEST_SLUICE_STRICT};
    my $v = vlc_decode($t, $url, $dur + 2);
    ok($v->{bytes} > 0.8 * $dur * 44100 * 4,
       "VLC decodes the audio over RTSP ($v->{bytes} bytes of WAV)")
        or diag($v->{err});
}
