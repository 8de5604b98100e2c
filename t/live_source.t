#!/usr/bin/perl

# The encoder going and coming back: listeners keep their connection for
# source_timeout and resume when an encoder returns; after it they are
# closed.  push_takeover lets a new encoder replace a connected one.  A
# hundred pushes that connect and leave leak no descriptor and no memory.

use strict;
use warnings;

use Test::More;
use IO::Select;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_connect http_head http_push/;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming http/)->has_program(qw/ffmpeg/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;
    source_timeout 3s;

    server {
        listen 127.0.0.1:%%PORT_8000%% http;

        publishing_point /live {
            type    broadcast;
            source  push;
        }

        publishing_point /take {
            type    broadcast;
            source  push;
            push_takeover on;
        }

        publishing_point /cycle {
            type    broadcast;
            source  push;
        }
    }
}
EOF

make_media($t, 'short.mp3', 1, 'mp3');

$t->plan(11);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8000);

sub encoder {
    my ($path, $seconds) = @_;
    return $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
        '-f', 'lavfi', '-i', "sine=frequency=440:duration=$seconds",
        '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
        '-content_type', 'audio/mpeg',
        "icecast://source:x\@127.0.0.1:$port$path"]);
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

# the encoder leaves and comes back within source_timeout

my $off = $t->log_offset();
my $e1 = encoder('/live', 3);
ok($t->wait_log(qr/encoder connected to "\/live"/, 10, $off),
    'first encoder connected');

# the stream is described once its first frames are in
my ($s, $h);
for (1 .. 50) {
    $s = http_connect($port);
    print $s "GET /live HTTP/1.1\r\nHost: x\r\n\r\n";
    $h = http_head($s, 5);
    last if $h->{status} == 200;
    close $s;
    sleep 0.1;
}
is($h->{status}, 200, 'listener joined');

ok($t->wait_log(qr/encoder of "\/live" finished/, 10, $off),
    'first encoder left');
$t->stop_cmd($e1);

my ($b, $eof) = drain($s, time() + 1);
ok(!defined $eof, 'the listener is kept while the source is away');

$off = $t->log_offset();
my $e2 = encoder('/live', 3);
ok($t->wait_log(qr/encoder connected to "\/live"/, 10, $off),
    'second encoder connected');

($b, $eof) = drain($s, time() + 1.5);
ok($b > 10000 && !defined $eof,
    "the listener resumes with the new encoder ($b bytes)");

ok($t->wait_log(qr/encoder of "\/live" finished/, 10, $off),
    'second encoder left');
my $left = time();
$t->stop_cmd($e2);

($b, $eof) = drain($s, time() + 8);
ok(defined $eof && $eof - $left > 2 && $eof - $left < 6,
    'after source_timeout the listener is closed ('
    . (defined $eof ? sprintf('%.1f s', $eof - $left) : 'not closed') . ')');
close $s;

# push_takeover: a new encoder replaces the connected one

$off = $t->log_offset();
my $ta = encoder('/take', 30);
$t->wait_log(qr/encoder connected to "\/take"/, 10, $off);
my $tb = encoder('/take', 30);
ok($t->wait_log(qr/another encoder took "\/take" over/, 10, $off),
    'with push_takeover a new encoder takes the point over');
$t->stop_cmd($ta);
$t->stop_cmd($tb);

# 100 encoders connect and leave: no descriptor, no memory kept

my $mp3 = $t->read_file('media/short.mp3');

sub worker_usage {
    my ($fds, $rss) = (0, 0);
    for my $pid ($t->worker_pids()) {
        opendir my $d, "/proc/$pid/fd" or next;
        $fds += grep { /^\d+$/ } readdir $d;
        # private memory: the ring's shared pages fill as pushes write
        my $st = $t->read_file("/proc/$pid/status") // '';
        $rss += $1 if $st =~ /RssAnon:\s+(\d+)/;
    }
    return ($fds, $rss);
}

http_push($port, '/cycle', $mp3) for 1 .. 5;     # warm up
sleep 0.5;
my ($fd0, $rss0) = worker_usage();

my $ok = 0;
for my $i (1 .. 100) {
    # PUT and POST, with a Content-Length or chunked
    my %o = $i % 2 ? () : (method => 'POST');
    if ($i % 4 >= 2) {
        my $chunked = sprintf("%x\r\n%s\r\n0\r\n\r\n", length $mp3, $mp3);
        %o = (%o, headers => "Content-Type: audio/mpeg\r\n"
                  . "Transfer-Encoding: chunked\r\n");
        my $r = http_push($port, '/cycle', $chunked, %o);
        $ok++ if $r->{status} == 200;
        next;
    }
    my $r = http_push($port, '/cycle', $mp3, %o);
    $ok++ if $r->{status} == 200;
}
sleep 0.5;
my ($fd1, $rss1) = worker_usage();

is($ok, 100, '100 pushes in a row accepted (PUT, POST, chunked or not)');

# the sanitizers' allocator keeps freed memory in quarantine: RSS says
# nothing there (valgrind.t and LeakSanitizer check leaks instead)
ok($fd1 <= $fd0 && ($ENV{TEST_SLUICE_SANITIZED} || $rss1 - $rss0 < 2048),
    "no descriptor or memory kept (fds $fd0 -> $fd1, private RSS $rss0 -> $rss1 KiB)");
