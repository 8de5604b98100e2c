#!/usr/bin/perl

# Several error_log destinations, each with its own level (stderr among
# them), and worker_cpu_affinity given as bit masks.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

my $ncpu = () = `cat /proc/cpuinfo` =~ /^processor\s*:/mg;

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
worker_cpu_affinity 10 01;

error_log logs/error.log notice;
error_log logs/info.log info;
error_log stderr warn;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        publishing_point /d { deny all; }
    }
}
EOF

$t->plan(7);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);

# an info line (a connection) and an error line (a denied request)
my $c = Sluice::RTSP->new(port => $port);
my $r = $c->request('OPTIONS', "rtsp://127.0.0.1:$port/d/x");
is($r && $r->{status}, 403, 'denied request');
$c->close();
$t->wait_log(qr/access forbidden/, 3);
sleep 0.3;

my $notice = $t->read_file('logs/error.log') // '';
my $info = $t->read_file('logs/info.log') // '';
my $stderr = $t->read_file('logs/stderr') // '';

like($info, qr/\[info\] .*client 127\.0\.0\.1:\d+ connected/,
    'the info log has the connection');
unlike($notice, qr/\[info\]/, 'the notice log has no info line');
like($notice, qr/\[error\] .*access forbidden by rule/,
    'the notice log has the error');
like($stderr, qr/\[error\] .*access forbidden by rule/,
    'stderr has the error too');

SKIP: {
    skip 'one CPU only', 2 if $ncpu < 2;
    my @w = $t->worker_pids();
    my %cpu = map { Sluice::cpus_allowed($_) // '?' => 1 } @w;
    is(join(' ', sort keys %cpu), '0 1', 'masks 10 and 01: CPUs 1 and 0')
        or diag(explain \%cpu);
    like($info, qr/worker 0 pinned to CPU 1/, 'worker 0 follows the first mask');
}
