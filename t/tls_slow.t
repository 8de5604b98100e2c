#!/usr/bin/perl

# RTSPS players of a live stream that read slowly: what the server takes
# into its TLS buffer while the socket is full goes out later, whole and in
# order.  A player that pauses gets every RTP packet after it resumes
# (sequence numbers without a gap or a repeat, every interleaved frame
# well formed) and catches up, another keeps real time meanwhile, and one
# that stops reading is dropped after send_timeout.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media/;
use Sluice::TLS qw/make_ca make_cert/;

my $t = Sluice->new()->has(qw/streaming ssl rtsp/)
    ->has_program(qw/ffmpeg openssl/);

eval { require IO::Socket::SSL; 1 }
    or plan(skip_all => 'IO::Socket::SSL (libio-socket-ssl-perl) missing');

make_ca($t);
make_cert($t, 'server', 'localhost');

$t->write_file_expand('sluice.conf', <<'EOF2');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    allow_push 127.0.0.1;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        listen 127.0.0.1:%%PORT_8322%% rtsp ssl sndbuf=8k;
        ssl_certificate %%TESTDIR%%/server.pem;
        ssl_certificate_key %%TESTDIR%%/server.key;
        send_timeout 4s;

        publishing_point /live {
            type   broadcast;
            source push;
        }
    }
}
EOF2

# about 1 Mbit/s: a pause of 2.5 s leaves some 280 KB to the server's
# buffers, more than the sockets hold (8 KB to send, 64 KB to receive)
mkdir $t->path('media');
my $mk = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=duration=4:size=640x480:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-g', '25', '-b:v', '2M', '-minrate', '2M', '-maxrate', '2M',
    '-bufsize', '1M', '-c:a', 'aac', '-shortest', $t->path('media/a.mp4')],
    timeout => 120);
die "ffmpeg: $mk->{err}" unless $mk->{code} == 0;

$t->plan(7);
$t->run() or BAIL_OUT('cannot start sluice');

my $rp = $t->port(8554);
my $sp = $t->port(8322);

my $enc = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-stream_loop', '-1', '-i', $t->path('media/a.mp4'), '-c', 'copy',
    '-f', 'rtsp', '-rtsp_transport', 'tcp', "rtsp://127.0.0.1:$rp/live"]);
$t->wait_log(qr/encoder connected to "\/live"/, 10);
sleep 1.5;

my $ssl = { SSL_ca_file => $t->path('ca.pem'), SSL_hostname => 'localhost' };

sub player {
    my ($rcvbuf) = @_;
    my $c = Sluice::RTSP->new(port => $sp, ssl => $ssl, rcvbuf => $rcvbuf,
                              timeout => 10) or die "RTSPS: $@";
    my $url = "rtsps://127.0.0.1:$sp/live";
    my $r = $c->request('SETUP', "$url/trackID=0",
        headers => { Transport => 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    my ($sid) = ($r->{headers}{session} // '') =~ /^([^;]+)/;
    $c->request('SETUP', "$url/trackID=1", headers => {
        Transport => 'RTP/AVP/TCP;unicast;interleaved=2-3', Session => $sid });
    $r = $c->request('PLAY', $url, headers => { Session => $sid });
    die "PLAY: " . ($r ? $r->{status} : $c->error) unless $r
        && $r->{status} == 200;
    $c->{keep_seq} = 1;
    return $c;
}

my $steady = player();
my $pausing = player(65536);
my $stopped = player(4096);

# everyone reads a moment, then the pausing one stops for 2.5 s (less
# than send_timeout) and the stopped one for good
for my $c ($steady, $pausing, $stopped) {
    $c->read_frames(0.3);
}
my $t0 = time();
while (time() - $t0 < 2.5) {
    $steady->read_frames(0.02);
}
while (time() - $t0 < 5.5) {
    $steady->read_frames(0.02);
    $pausing->read_frames(0.02);
}

sub contiguous {
    my ($seq) = @_;
    my $bad = 0;
    for my $i (1 .. $#$seq) {
        $bad++ if $seq->[$i] != (($seq->[$i - 1] + 1) & 0xffff);
    }
    return $bad;
}

for my $case (['steady', $steady], ['pausing', $pausing]) {
    my ($name, $c) = @$case;
    my $v = $c->{seq}{0} // [];
    my $a = $c->{seq}{2} // [];
    ok(@$v > 200 && @$a > 20 && !contiguous($v) && !contiguous($a),
       "$name player: every video and audio packet in order ("
       . scalar(@$v) . ' and ' . scalar(@$a) . ')')
        or diag("gaps: video " . contiguous($v) . ", audio "
                . contiguous($a));
    ok($c->{buf} eq '' || $c->{buf} =~ /^\$/,
       "$name player: interleaved frames well formed");
}

# the pausing one caught up: it has (nearly) what the steady one has
my ($got, $all) = (scalar @{$pausing->{seq}{0} // []},
                   scalar @{$steady->{seq}{0} // []});
ok($got >= 0.9 * $all && $got > 200,
   "the pausing player caught up ($got of $all video packets)");

ok($t->wait_log(qr/client does not keep up: dropped after send_timeout/, 8),
   'the player that stopped reading is dropped after send_timeout');
ok($t->cmd_running($enc), 'the encoder goes on');

$_->close() for $steady, $pausing, $stopped;
$t->stop_cmd($enc, 'INT');
$t->done_testing();
