#!/usr/bin/perl

# Lip sync for live RTSP.  An encoder's audio begins 1 s after its video:
# its sender reports place each track's first packet, so the point's
# timeline keeps them 1 s apart (taking each first packet as 0 would put
# the sound 1 s late for good), and a relay pulling the point over RTSP
# keeps it too (RTP-Info's rtptimes, else the reports).  A player joining
# a live H.264 + AAC stream gets an rtptime for every track in RTP-Info,
# all naming the join's instant (the video keyframe it starts with), and
# RTCP sender reports at once and every 5 s whose NTP and RTP times agree
# across the tracks and with the packets: what ffmpeg, GStreamer and
# live555 line tracks up by.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep time/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/)->has_program(qw/ffmpeg/);

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

$t->plan(9);
$t->run() or BAIL_OUT('cannot start sluice');

my $rp = $t->port(8554);
my $url = "rtsp://127.0.0.1:$rp/cam";
my $relay = "rtsp://127.0.0.1:$rp/relay";

# the audio begins 1 s after the video: sent 1 s later, stamped 1 s on
my $cam = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=duration=30:size=320x240:rate=25',
    '-itsoffset', '1', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-g', '25', '-bf', '2', '-b:v', '400k', '-c:a', 'aac', '-b:a', '64k',
    '-f', 'rtsp', '-rtsp_transport', 'tcp', $url]);

$t->wait_log(qr/encoder connected to "\/cam" \(RTSP/, 10)
    or BAIL_OUT('the encoder did not connect');
sleep 2;

# DESCRIBE, SETUP of both tracks interleaved, PLAY: the client and what
# PLAY said, by track name
my %rate;

sub player {
    my ($url, $base) = @_;
    my $c = Sluice::RTSP->new(port => $rp) or die 'connect';
    $c->{keep_rtp} = 1;

    my $d = $c->request('DESCRIBE', $url,
                        headers => [[Accept => 'application/sdp']]);
    my $track = -1;
    for my $line (split /\r\n/, $d->{body} // '') {
        $track++ if $line =~ /^m=/;
        next unless $line =~ m{^a=rtpmap:\d+ (H264|MPEG4-GENERIC)/(\d+)}i;
        my ($enc, $clock) = ($1, $2);
        $rate{$enc eq 'H264' ? 'video' : 'audio'} = [$track, $clock];
    }
    return undef unless $rate{video} && $rate{audio};

    my $session;
    for my $k (qw/video audio/) {
        my $i = $rate{$k}[0];
        my $ch = $base + 2 * $i;
        my $r = $c->request('SETUP', "$url/trackID=$i", headers => [
            [Transport => "RTP/AVP/TCP;unicast;interleaved=$ch-" . ($ch + 1)],
            $session ? ([Session => $session]) : ()]);
        ($session) = ($r->{headers}{session} // '') =~ /^([^;]+)/;
    }

    my $play = $c->request('PLAY', $url, headers => [[Session => $session]]);
    my %rtptime;
    for my $item (split /,/, $play->{headers}{'rtp-info'} // '') {
        $rtptime{$1} = $2 if $item =~ /trackID=(\d+).*;rtptime=(\d+)/;
    }
    $c->{rtptime} = { map { $_ => $rtptime{$rate{$_}[0]} } qw/video audio/ };
    $c->{rtp_info} = $play->{headers}{'rtp-info'} // '';
    $c->{base} = $base;
    return $c;
}

# two players (on channels 4 to 7, not the relay's sink): the first may
# make the sink, which then waits for a keyframe (its PLAY cannot name the
# join's RTP times); the second joins a running sink
my $first = player($url, 4) or BAIL_OUT('the point is not H.264 + AAC');
$first->read_frames(2);
my $c = player($url, 4) or BAIL_OUT('no second player');

ok(defined $first->{rtptime}{video} == defined $first->{rtptime}{audio},
   'RTP-Info names every track\'s rtptime or none (a sink waiting for '
   . 'its first keyframe)') or diag($first->{rtp_info});
ok(defined $c->{rtptime}{video} && defined $c->{rtptime}{audio},
   'a player joining a running stream gets an rtptime for every track')
    or diag($c->{rtp_info});

$c->read_frames(6);
$first->read_frames(0.5);

# the first player had a sender report before any media (ffmpeg lines up
# tracks by the first report it gets)
ok(@{$first->{rtcp_at} // []} && (!$first->{rtp} || !grep {
       $_->[0][2] < $first->{rtcp_at}[0] } values %{$first->{rtp}}),
   'reports come before the first media packet');

# media seconds of an RTP time of track K from its rtptime (mod 2^32)
sub media {
    my ($k, $ts) = @_;
    my $d = ($ts - $c->{rtptime}{$k}) % 4294967296;
    $d -= 4294967296 if $d >= 2147483648;
    return $d / $rate{$k}[1];
}

# the join: the first video packet is the keyframe at rtptime, the audio
# around it starts near the same media time
my %rtp = map { $_ => $c->{rtp}{4 + 2 * $rate{$_}[0]} // [] } qw/video audio/;
ok(@{$rtp{video}} && $rtp{video}[0][0] == ($c->{rtptime}{video} // -1),
   'the first video packet carries its rtptime');
my $a0 = @{$rtp{audio}} && defined $c->{rtptime}{audio}
       ? media('audio', $rtp{audio}[0][0]) : 99;
ok(abs($a0) < 0.4, sprintf('the first audio packet is %.3f s from the join',
                           $a0));

# sender reports: NTP time, RTP time and when each came; by track
my %ssrc = map { $_ => @{$rtp{$_}} ? $rtp{$_}[0][1] : -1 } qw/video audio/;
my %sr;
for my $j (0 .. $#{$c->{rtcp} // []}) {
    my ($v, $pt, $len, $ssrc, $ntp_s, $ntp_f, $ts)
        = unpack('C C n N N N N', $c->{rtcp}[$j]);
    next unless $pt == 200;
    my ($k) = grep { $ssrc{$_} == $ssrc } keys %ssrc;
    push @{$sr{$k}}, [$ntp_s + $ntp_f / 4294967296, $ts, $c->{rtcp_at}[$j]]
        if $k;
}
ok(@{$sr{video} // []} >= 2 && @{$sr{audio} // []} >= 2,
   'sender reports at once and 5 s later for each track ('
   . scalar(@{$sr{video} // []}) . ' video, '
   . scalar(@{$sr{audio} // []}) . ' audio)');

# every pair of reports: one instant is one media time in both tracks,
# as RTP-Info says
my $worst = 1;
if (defined $c->{rtptime}{video} && defined $c->{rtptime}{audio}) {
    $worst = 0;
    for my $n (0 .. 1) {
        my ($v, $a) = ($sr{video}[$n], $sr{audio}[$n]);
        next unless $v && $a;
        my $skew = (media('video', $v->[1]) - $v->[0])
                 - (media('audio', $a->[1]) - $a->[0]);
        $worst = abs($skew) if abs($skew) > $worst;
    }
}
ok($sr{video} && $sr{audio} && $worst < 0.005,
   sprintf('the reports agree across tracks (%.1f ms apart)', $worst * 1000));

# and with the packets: a report's RTP time is near that of the newest
# packet of its track before it (the sink runs ahead of real time a
# little, and so may a packet)
my $far = 0;
for my $k (qw/video audio/) {
    for my $r (@{$sr{$k} // []}) {
        my @before = grep { $_->[2] <= $r->[2] } @{$rtp{$k}} or next;
        my $gap = ($r->[1] - $before[-1][0]) % 4294967296;
        $gap -= 4294967296 if $gap >= 2147483648;
        $far = abs($gap / $rate{$k}[1]) if abs($gap / $rate{$k}[1]) > $far;
    }
}
ok($far < 0.5, sprintf('the reports agree with the packets (%.3f s)', $far));

$first->close();
$c->close();

# the relay: a player joining it sees the same
my $r1 = player($relay, 0) or BAIL_OUT('the relay is not H.264 + AAC');
$r1->read_frames(2);
$c = player($relay, 0);
$c->read_frames(2);
my %rrtp = map { $_ => $c->{rtp}{2 * $rate{$_}[0]} // [] } qw/video audio/;
my $r0 = @{$rrtp{audio}} && defined $c->{rtptime}{audio}
       ? media('audio', $rrtp{audio}[0][0]) : 99;
ok(abs($r0) < 0.4, sprintf('through the relay, the first audio packet is '
                           . '%.3f s from the join', $r0));
$r1->close();
$c->close();
$t->stop_cmd($cam);
