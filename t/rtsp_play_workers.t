#!/usr/bin/perl

# Players on different workers at once: a dozen ffprobe clients, over UDP
# and TCP together, each receive the whole file, and the sessions were
# served by both workers (each with its own slice of RTP ports).

use strict;
use warnings;

use Test::More;
use POSIX qw/WNOHANG/;

use lib 't/lib';
use Sluice;
use Sluice::Media qw/make_media file_duration rtsp_span/;

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
            fast_start  60s;
            fast_start_rate 10;
        }
    }
}
EOF

make_media($t, 'a.mp3', 6, 'mp3');

my $N = 12;
$t->plan(3);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $dur = file_duration($t, $t->path('media/a.mp3'));

# each player in a child; the child's exit code says whether it got it all
my @pids;
for my $i (1 .. $N) {
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        my $s = rtsp_span($t, "rtsp://127.0.0.1:$port/vod/a.mp3",
            $i % 2 ? 'udp' : 'tcp');
        my $span = $s->{span}{0} // 0;
        POSIX::_exit(abs($span - $dur) <= 0.02 * $dur ? 0 : 1);
    }
    push @pids, $pid;
}

my $ok = 0;
for my $pid (@pids) {
    waitpid($pid, 0);
    $ok++ if $? == 0;
}
is($ok, $N, "$N players at once each received the whole file");

my %workers;
for my $line (split /\n/, $t->errlog()) {
    $workers{$1}++ if $line =~ /\] (\d+)#0: \*\d+ session \w+ created/;
}
is(scalar keys %workers, 2, 'sessions were served by both workers')
    or diag(explain \%workers);
is((sum0(values %workers)), $N, "$N sessions created");

sub sum0 { my $s = 0; $s += $_ for @_; return $s }
