#!/usr/bin/perl

# Lip sync judged by a player: an encoder pushes video that flashes white
# every 3 s and audio that beeps at the same instants, the audio input
# starting 1 s after the video; ffmpeg plays the point, and a relay that
# pulls it over RTSP, and finds the flashes (blackdetect) and the beeps
# (silencedetect) in what it decodes: each beep starts within 0.15 s of
# its flash.  GStreamer (rtspsrc) recording the point into Matroska
# keeps them within 0.2 s.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;

my $t = Sluice->new()->has(qw/streaming rtsp/)
    ->has_program(qw/ffmpeg gst-launch-1.0/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    allow_push 127.0.0.1;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        publishing_point /cam {
            type    broadcast;
            source  push;
        }

        publishing_point /relay {
            type    broadcast;
            source  rtsp://127.0.0.1:%%PORT_8554%%/cam;
        }
    }
}
EOF

$t->plan(7);
$t->run() or BAIL_OUT('cannot start sluice');

my $url = 'rtsp://127.0.0.1:' . $t->port(8554) . '/cam';

# a white picture for 0.2 s every 3 s; a 1 kHz beep for 0.2 s at the same
# media times (the audio input is stamped 1 s on, and starts 1 s later)
my $cam = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'color=c=black:s=160x120:r=25:d=60,'
        . "drawbox=c=white:t=fill:enable='lt(mod(t\\,3)\\,0.2)'",
    '-itsoffset', '1', '-f', 'lavfi', '-i',
        "aevalsrc='if(lt(mod(t+1\\,3)\\,0.2)\\,0.5*sin(2*PI*1000*t)\\,0)'"
        . ':s=44100:d=60',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-g', '25', '-c:a', 'aac', '-b:a', '64k',
    '-f', 'rtsp', '-rtsp_transport', 'tcp', $url]);

ok($t->wait_log(qr/encoder connected to "\/cam" \(RTSP/, 10),
   'the encoder pushes');
sleep 2;

# ffmpeg plays 12 s of URL
sub skews {
    my ($what, $url) = @_;

    my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-rtsp_transport', 'tcp',
        '-i', $url, '-t', '12',
        '-vf', 'blackdetect=d=0.04:pix_th=0.5',
        '-af', 'silencedetect=n=-30dB:d=0.05',
        '-f', 'null', '-'], timeout => 30);

    check($what, $p->{err}, 0.15);
}

# GStreamer (rtspsrc, whose rtpbin lines tracks up by the sender
# reports) records 12 s of URL into Matroska, which ffmpeg then reads
sub gst_skews {
    my ($what, $url) = @_;
    my $mkv = $t->path('gst.mkv');

    my $g = $t->start_cmd(['gst-launch-1.0', '-q', '-e', 'rtspsrc',
        "location=$url", 'protocols=tcp', 'name=s',
        's.', '!', 'queue', '!', 'rtph264depay', '!', 'h264parse', '!',
        'queue', '!', 'mux.',
        's.', '!', 'queue', '!', 'rtpmp4gdepay', '!', 'aacparse', '!',
        'queue', '!', 'mux.',
        'matroskamux', 'name=mux', '!', 'filesink', "location=$mkv"]);
    sleep 12;
    $t->stop_cmd($g, 'INT');

    my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-i', $mkv,
        '-vf', 'blackdetect=d=0.04:pix_th=0.5',
        '-af', 'silencedetect=n=-30dB:d=0.05',
        '-f', 'null', '-'], timeout => 30);

    # rtpbin starts some 0.1 s off and is in step after the second report
    check($what, $p->{err}, 0.2);
}

# what ffmpeg's blackdetect and silencedetect said: each flash's nearest
# beep, how far
sub check {
    my ($what, $log, $most) = @_;

    # the ends of black and of silence: flashes and beeps starting (the
    # end of the recording ends them too: those are left out)
    my @flash = $log =~ /black_end:\s*(-?[\d.]+)/g;
    my @beep = $log =~ /silence_end:\s*(-?[\d.]+)/g;
    my ($end) = sort { $b <=> $a } @flash, @beep;
    @flash = grep { $_ < $end - 0.5 } @flash;
    @beep = grep { $_ < $end - 0.5 } @beep;

    my @skew;
    for my $f (@flash) {
        my ($near) = sort { abs($a - $f) <=> abs($b - $f) } @beep or next;
        push @skew, $near - $f;
    }

    ok(@flash >= 2 && @skew == @flash, "$what: ffmpeg sees the flashes ("
       . scalar(@flash) . ') and the beeps (' . scalar(@beep) . ')')
        or diag($log);
    ok(@skew && !grep({ abs($_) > $most } @skew),
       "$what: each beep starts with its flash ("
       . join(', ', map { sprintf '%+.3f s', $_ } @skew) . ')');
}

skews('the point', $url);
(my $relay = $url) =~ s{/cam$}{/relay};
skews('a relay pulling it over RTSP', $relay);
gst_skews('GStreamer', $url);

$t->stop_cmd($cam);
