#!/usr/bin/perl

# Pulled sources: relay points that pull the origin point of the same
# server over HTTP (with ICY metadata: the title goes on) and over RTSP
# (interleaved RTP), one through a redirect.  Players of the relays get
# what ffmpeg and ffprobe decode.  When the origin's encoder leaves, the
# relays lose their upstream, try again with growing delays, and pull
# again when it comes back; their listeners wait and get data again.  A
# pull of a port where nothing listens logs delays that double.  After a
# reload the new workers pull.

use strict;
use warnings;

use Test::More;
use IO::Select;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_connect http_head http_listen/;

my $t = Sluice->new()->has(qw/streaming http rtsp/)
    ->has_program(qw/ffmpeg ffprobe/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;
    source_timeout 30s;

    server {
        listen 127.0.0.1:%%PORT_8000%% http;
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        publishing_point /origin {
            type            broadcast;
            source          push;
            source_timeout  1s;
        }

        publishing_point /moved {
            redirect  http://127.0.0.1:%%PORT_8000%%/origin;
        }

        publishing_point /relay {
            type    broadcast;
            source  http://127.0.0.1:%%PORT_8000%%/origin;
        }

        publishing_point /rrelay {
            type    broadcast;
            source  rtsp://127.0.0.1:%%PORT_8554%%/origin;
        }

        publishing_point /viaredirect {
            type    broadcast;
            source  http://127.0.0.1:%%PORT_8000%%/moved;
        }

        publishing_point /dead {
            type    broadcast;
            source  http://127.0.0.1:%%PORT_8001%%/nothing;
        }
    }
}
EOF

$t->plan(19);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8000);
my $rport = $t->port(8554);

sub encoder {
    return $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
        '-f', 'lavfi', '-i', 'sine=frequency=440:duration=40',
        '-c:a', 'libmp3lame', '-b:a', '128k',
        '-metadata', 'title=Song', '-metadata', 'artist=Band',
        '-f', 'mp3', '-content_type', 'audio/mpeg',
        "icecast://source:x\@127.0.0.1:$port/origin"]);
}

# reads what the listener has until DEADLINE or EOF: bytes, eof time
sub drain {
    my ($s, $until) = @_;
    my $sel = IO::Select->new($s);
    my $bytes = 0;
    while (time() < $until) {
        next unless $sel->can_read(0.05);
        my $n = sysread($s, my $buf, 65536);
        return ($bytes, time()) unless $n;
        $bytes += $n;
    }
    return ($bytes, undef);
}

my $off = $t->log_offset();
my $enc = encoder();
ok($t->wait_log(qr/encoder connected to "\/origin"/, 10, $off),
    'the origin\'s encoder pushes');

ok($t->wait_log(qr/pull connected .*receiving mp3.*publishing point: \/relay$/,
    10, $off), 'the HTTP relay pulls the origin');
ok($t->wait_log(qr/pull connected .*receiving rtp.*publishing point: \/rrelay$/,
    10, $off), 'the RTSP relay pulls the origin');
ok($t->wait_log(
    qr/pull redirected to "http:\/\/127.0.0.1:$port\/origin".*redirect$/,
    10, $off)
    && $t->wait_log(qr/receiving mp3.*publishing point: \/viaredirect$/, 10,
        $off), 'a pull follows a redirect');

# the relays play

my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error',
    '-i', "http://127.0.0.1:$port/relay", '-t', '3', '-f', 'null', '-'],
    timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/,
    'ffmpeg decodes 3 s of the HTTP relay without error') or diag($p->{err});

$p = $t->run_cmd(['ffprobe', '-v', 'error', '-rtsp_transport', 'tcp',
    '-show_entries', 'stream=codec_name,sample_rate', '-of', 'csv=p=0',
    "rtsp://127.0.0.1:$rport/rrelay"], timeout => 20);
like($p->{out}, qr/^mp3,44100/m, 'ffprobe sees mp3 at 44100 Hz on the RTSP '
    . 'relay') or diag($p->{err});

$p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-rtsp_transport',
    'tcp', '-i', "rtsp://127.0.0.1:$rport/rrelay", '-t', '2', '-f', 'null',
    '-'], timeout => 20);
ok($p->{code} == 0, 'ffmpeg decodes 2 s of the RTSP relay') or diag($p->{err});

my $r = http_listen($port, '/relay', icy => 1, bytes => 40000, seconds => 5);
is($r->{titles}[0], 'Band - Song',
    'the title of the origin\'s ICY blocks reaches the relay\'s listeners')
    or diag(explain($r->{titles}));
like($r->{audio}, qr/^\xff[\xfa\xfb]/, 'the relay sends MPEG audio frames');

# the origin's encoder leaves and comes back

my $s = http_connect($port);
print $s "GET /relay HTTP/1.1\r\nHost: x\r\n\r\n";
my $h = http_head($s, 5);
is($h->{status}, 200, 'a listener of the relay joins');

$off = $t->log_offset();
$t->stop_cmd($enc);

ok($t->wait_log(qr/pull lost after .*publishing point: \/relay$/, 10, $off),
    'the HTTP relay loses its upstream');
ok($t->wait_log(qr/pull lost after .*RTCP BYE.*publishing point: \/rrelay$/,
    10, $off), 'the RTSP relay loses its upstream (RTCP BYE)');

drain($s, time() + 1.5);

$off = $t->log_offset();
$enc = encoder();

ok($t->wait_log(qr/pull connected .*receiving mp3.*publishing point: \/relay$/,
    15, $off), 'the HTTP relay pulls again');
ok($t->wait_log(qr/pull connected .*receiving rtp.*publishing point: \/rrelay$/,
    15, $off), 'the RTSP relay pulls again');

my ($b, $eof) = drain($s, time() + 2);
ok($b > 10000 && !defined $eof,
    "the relay's listener gets the stream again ($b bytes)");
close $s;

# a reload: the new workers pull, the old ones let go

my @old = $t->worker_pids();
$off = $t->log_offset();
$t->reload() or diag('reload did not finish');

my $line = $t->wait_log(
    qr/pull connected .*receiving mp3.*publishing point: \/relay$/, 15, $off);
my ($pid) = ($line // '') =~ /\[notice\] (\d+)#/;
ok($pid && !grep({ $_ == $pid } @old),
    'after a reload a new worker pulls (' . ($pid // 'none') . ')');

$r = http_listen($port, '/relay', seconds => 2);
ok(length($r->{audio} // '') > 10000,
    'the relay plays after the reload (' . length($r->{audio} // '')
    . ' bytes)');

$t->stop_cmd($enc);

# nothing listens: the delays double

my (@delays, $first);
for my $line (split /\n/, $t->read_file('logs/error.log')) {
    next unless $line =~
        /(\d+)#\d+: pull: next attempt in ([\d.]+) s.*point: \/dead$/;
    $first //= $1;
    push @delays, $2 if $1 == $first;       # the worker before the reload
}
ok(@delays >= 4, 'the dead upstream is tried again and again ('
    . scalar(@delays) . ' times)');
ok(@delays >= 4 && $delays[0] == 0.5 && $delays[1] == 1
    && $delays[2] == 2 && $delays[3] == 4,
    'with doubling delays (' . join(', ', @delays) . ')');
