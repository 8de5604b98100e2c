#!/usr/bin/perl

# A live listener that stops reading is dropped after http_send_timeout;
# the encoder and another listener go on in real time.  When the encoder
# leaves for good, an RTSP player gets an RTCP BYE after source_timeout.

use strict;
use warnings;

use Test::More;
use IO::Select;
use Socket;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::HTTP qw/http_connect http_head http_request/;

my $t = Sluice->new()->has(qw/streaming http rtsp/)->has_program(qw/ffmpeg/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;
    source_timeout 2s;

    server {
        listen 127.0.0.1:%%PORT_8000%% http sndbuf=8k;
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        http_send_timeout 2s;

        publishing_point /live {
            type    broadcast;
            source  push;
        }
    }
}
EOF

$t->plan(6);
$t->run() or BAIL_OUT('cannot start sluice');

my $hp = $t->port(8000);
my $rp = $t->port(8554);

my $enc = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=12',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
    '-content_type', 'audio/mpeg', "icecast://source:x\@127.0.0.1:$hp/live"]);

for (1 .. 50) {
    last if http_request($hp, "HEAD /live HTTP/1.1\r\nHost: x\r\n\r\n",
                         1)->{status} == 200;
    sleep 0.1;
}

# an RTSP player over TCP, for the BYE at the end
my $c = Sluice::RTSP->new(port => $rp) or die;
my $r = $c->request('SETUP', "rtsp://127.0.0.1:$rp/live/trackID=0",
    headers => { Transport => 'RTP/AVP/TCP;unicast;interleaved=0-1' });
my ($sid) = ($r->{headers}{session} // '') =~ /^([^;]+)/;
$r = $c->request('PLAY', "rtsp://127.0.0.1:$rp/live",
    headers => { Session => $sid });
is($r->{status}, 200, 'RTSP player plays the live point');

# the slow one: a small receive buffer, and it never reads
my $slow = IO::Socket::INET->new(Proto => 'tcp');
setsockopt($slow, SOL_SOCKET, SO_RCVBUF, 2048);
connect($slow, sockaddr_in($hp, inet_aton('127.0.0.1'))) or die;
print $slow "GET /live HTTP/1.1\r\nHost: x\r\n\r\n";

my $good = http_connect($hp);
print $good "GET /live HTTP/1.1\r\nHost: x\r\n\r\n";
my $h = http_head($good, 5);

my $sel = IO::Select->new($good);
my ($bytes, $start) = (length $h->{rest}, time());
while (time() - $start < 6) {
    next unless $sel->can_read(0.1);
    my $n = sysread($good, my $buf, 65536);
    last unless $n;
    $bytes += $n;
    $c->read_frames(0.01);
}
ok($bytes > 6 * 16000 * 0.8,
    "the other listener keeps real time ($bytes bytes in 6 s)");
ok($t->wait_log(qr/listener too slow, dropped after http_send_timeout/, 1),
    'the listener that stopped reading was dropped');
ok($t->cmd_running($enc), 'the encoder was not slowed or stopped');

# the encoder ends: after source_timeout the RTSP player gets a BYE
$t->wait_log(qr/encoder of "\/live" finished/, 15);
$c->{rtcp} = [];
$c->read_frames(5);
my @bye = grep { /\x81\xcb/ } @{$c->{rtcp} // []};
ok(@bye, 'an RTCP BYE follows source_timeout');
ok($t->wait_log(qr/session \w+: the source is gone, BYE sent/, 1),
    'the session logs why it ended');
$t->stop_cmd($enc);
