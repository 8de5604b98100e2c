#!/usr/bin/perl

# QUIT drains: new connections are refused at once; with a connection held,
# the master and the workers exit once it closes, or after
# worker_shutdown_timeout; then the pid file is removed.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep time/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $conf = <<'EOF';
worker_processes 2;
error_log logs/error.log info;
%%TIMEOUT%%

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
    }
}
EOF

my $t = Sluice->new()->has(qw/streaming rtsp/);
my $t2 = Sluice->new();

$t->plan(15);

###############################################################################
# the client closes

(my $c1 = $conf) =~ s/%%TIMEOUT%%/worker_shutdown_timeout 60s;/;
$t->write_file_expand('sluice.conf', $c1);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $master = $t->master_pid();
my @w = $t->worker_pids();

my $held = Sluice::RTSP->new(port => $port);
my $r = $held->options();
is($r && $r->{status}, 200, 'held connection answered');

$t->signal('QUIT');
sleep 0.5;

ok(Sluice->alive($master), 'master waits while a connection is held');
$r = $held->options();
is($r && $r->{status}, 200, 'held connection still answered while draining');

my $new = IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $port,
                              Proto => 'tcp', Timeout => 2);
ok(!$new && $!{ECONNREFUSED}, 'new connections refused while draining')
    or diag($new ? 'connected' : "error: $!");

$held->close();
ok($t->wait_exit(10, $master), 'master exits after the connection closes');
ok($t->wait_pids_gone(5, @w), 'workers exited');
ok(!-e $t->path('logs/sluice.pid'), 'pid file removed');

my $c = IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $port,
                            Proto => 'tcp', Timeout => 2);
ok(!$c && $!{ECONNREFUSED}, 'new connections refused')
    or diag($c ? 'connected' : "error: $!");

###############################################################################
# the client stays: worker_shutdown_timeout ends the drain

(my $c2 = $conf) =~ s/%%TIMEOUT%%/worker_shutdown_timeout 1s;/;
$t2->write_file_expand('sluice.conf', $c2);
$t2->run(workers => 2) or BAIL_OUT('cannot start sluice');

$port = $t2->port(8554);
$master = $t2->master_pid();
@w = $t2->worker_pids();

$held = Sluice::RTSP->new(port => $port);
$r = $held->options();
is($r && $r->{status}, 200, 'second server: held connection answered');

my $start = time();
$t2->signal('QUIT');
sleep 0.3;
ok(Sluice->alive($master), 'master still draining');

ok($t2->wait_exit(10, $master), 'master exits with the connection held');
my $took = time() - $start;
ok($took >= 0.9 && $took < 5, 'after worker_shutdown_timeout')
    or diag("took ${took}s");
ok($held->wait_close(2), 'held connection closed by the server');
ok($t2->wait_pids_gone(5, @w), 'workers exited');
ok(!-e $t2->path('logs/sluice.pid'), 'pid file removed');
