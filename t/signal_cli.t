#!/usr/bin/perl

# "sluice -s reload|quit|stop" signals the master named in the pid file;
# with no master running it fails with a clear error.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep time/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
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

$t->plan(11);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $master = $t->master_pid();
my @old = $t->worker_pids();

# reload: new workers, same master
my $r = $t->sluice('-c', $t->conf_path(), '-s', 'reload');
is($r->{code}, 0, '-s reload exits 0') or diag($r->{err});

my @new;
for (1 .. 200) {
    @new = grep { my $p = $_; !grep { $_ == $p } @old } $t->worker_pids();
    last if @new;
    sleep 0.05;
}
ok(scalar @new, '-s reload: a new worker') or diag("old @old");
is($t->master_pid(), $master, '-s reload: same master');
ok($t->wait_pids_gone(5, @old), '-s reload: the old worker exits');
my $o = Sluice::RTSP::rtsp_options(port => $port);
is($o && $o->{status}, 200, 'served after -s reload');

# quit: graceful stop
$r = $t->sluice('-c', $t->conf_path(), '-s', 'quit');
is($r->{code}, 0, '-s quit exits 0') or diag($r->{err});
ok($t->wait_exit(10, $master), '-s quit: the master exits');
ok(!-e $t->path('logs/sluice.pid'), '-s quit: pid file removed');

# no master: the pid file is gone
$r = $t->sluice('-c', $t->conf_path(), '-s', 'stop');
is($r->{code}, 1, '-s stop with no master: exit code 1');
like($r->{err}, qr/open\(\) ".*sluice\.pid" failed/, '... says why');

# stop: fast
$t->run() or BAIL_OUT('cannot restart sluice');
$master = $t->master_pid();
$r = $t->sluice('-c', $t->conf_path(), '-s', 'stop');
ok($r->{code} == 0 && $t->wait_exit(10, $master), '-s stop: the master exits')
    or diag($r->{err});
