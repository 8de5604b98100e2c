#!/usr/bin/perl

# A reload does not drop a live stream: the encoder and the listeners of
# the old workers go on, and players of the new workers get the same
# stream from the ring the old worker's encoder still writes (the zone is
# kept across the reload).  A playlist moves to the new workers.

use strict;
use warnings;

use Test::More;
use IO::Select;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_connect http_head http_request http_listen/;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming http/)->has_program(qw/ffmpeg/);

make_media($t, 'a.mp3', 3, 'mp3');
$t->write_file('radio.playlist', "loop;\nmedia/a.mp3 title=\"A\";\n");

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;

    server {
        listen 127.0.0.1:%%PORT_8000%% http;

        publishing_point /live {
            type    broadcast;
            source  push;
        }

        publishing_point /radio {
            type    broadcast;
            source  playlist radio.playlist;
        }
    }
}
EOF

$t->plan(6);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8000);

my $enc = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
    '-content_type', 'audio/mpeg', "icecast://source:x\@127.0.0.1:$port/live"]);

my $h;
my $s;
for (1 .. 50) {
    $s = http_connect($port);
    print $s "GET /live HTTP/1.1\r\nHost: x\r\n\r\n";
    $h = http_head($s, 5);
    last if $h->{status} == 200;
    close $s;
    sleep 0.1;
}
is($h->{status}, 200, 'a listener before the reload');

my @new = $t->reload();
ok(@new == 2, 'reloaded: two new workers');

# the old listener goes on through the reload
my $sel = IO::Select->new($s);
my ($bytes, $start) = (0, time());
while (time() - $start < 3) {
    next unless $sel->can_read(0.1);
    my $n = sysread($s, my $buf, 65536);
    last unless $n;
    $bytes += $n;
}
ok($bytes > 3 * 16000 * 0.8,
    "the old worker's listener keeps real time ($bytes bytes in 3 s)");
close $s;

# a new worker's player gets the stream the old worker's encoder writes
my $r = http_listen($port, '/live', seconds => 2);
ok($r->{status} == 200 && length($r->{audio}) > 20000,
    'a new listener gets the stream (' . length($r->{audio} // '') . ' bytes)');

ok($t->cmd_running($enc), 'the encoder was not dropped');

# the playlist moved to a new worker
$r = http_listen($port, '/radio', icy => 1, seconds => 3);
ok($r->{status} == 200 && length($r->{audio}) > 20000,
    'the playlist plays after the reload');

$t->stop_cmd($enc);
