#!/usr/bin/perl

# kill -9 of a worker: the master respawns it at once and logs the signal;
# connections held by the other worker are not affected.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep time/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
    }
}
EOF

$t->plan(8);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my @w = $t->worker_pids();

# one connection on each worker: the worker of a connection is the pid of
# its "*N client 127.0.0.1:PORT connected" log line
my %conn;
for (1 .. 64) {
    my $c = Sluice::RTSP->new(port => $port) or next;
    my $r = $c->options();
    next unless $r && $r->{status} == 200;
    my $lport = $c->local_port();
    my $line = $t->wait_log(qr/ client 127\.0\.0\.1:$lport connected/, 2);
    my ($pid) = ($line // '') =~ /\s(\d+)#\d+:/;
    next unless $pid;
    $conn{$pid} //= $c;
    last if keys %conn == 2;
}
is(scalar keys %conn, 2, 'a connection on each worker')
    or BAIL_OUT('cannot place a connection on each worker');

my ($victim, $other) = sort { $a <=> $b } keys %conn;

$t->expect_errors(qr/\b$victim\b.*signal 9|signal 9.*\b$victim\b/);
kill 'KILL', $victim;

my @now;
my $deadline = time() + 5;
while (time() < $deadline) {
    @now = $t->worker_pids();
    last if @now == 2 && !grep { $_ == $victim } @now;
    sleep 0.02;
}
is(scalar @now, 2, 'two workers again');
ok(!grep({ $_ == $victim } @now) && grep({ $_ == $other } @now),
    'the killed worker was replaced, the other one kept')
    or diag("before: @w, after: @now, killed $victim");

my $line = $t->wait_log(qr/signal 9/, 5);
like($line // '', qr/\b$victim\b/, 'log names the dead worker and signal 9')
    or diag($t->errlog());

ok($conn{$victim}->wait_close(2), "the killed worker's connection is closed");

my $ok = 0;
for (1 .. 5) {
    my $r = $conn{$other}->options();
    $ok++ if $r && $r->{status} == 200;
}
is($ok, 5, "the other worker's connection is still answered");

$ok = 0;
for (1 .. 20) {
    my $r = Sluice::RTSP::rtsp_options(port => $port);
    $ok++ if $r && $r->{status} == 200;
}
is($ok, 20, 'new connections answered');

is($t->master_pid() && Sluice::proc_state($t->master_pid()) ne '' ? 1 : 0, 1,
    'master still running');
