#!/usr/bin/perl

# Binary upgrade: USR2 starts a new master that inherits the listening
# sockets (sluice.pid moves to sluice.pid.oldbin), QUIT to the old master
# completes it.  A client connecting every few milliseconds during the whole
# upgrade sees no refused connection and no failed request.

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
    worker_connections 256;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
    }
}
EOF

$t->plan(12);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $old = $t->master_pid();
my @old_w = $t->worker_pids();

# a client connecting every few milliseconds during the whole upgrade

my $loop = Sluice::RTSP::client_loop(port => $port,
    file => $t->path('client-counts'));

sleep 0.3;

$t->signal('USR2', $old);

my $new;
my $deadline = time() + 10;
while (time() < $deadline) {
    $new = $t->master_pid();
    last if $new && $new != $old && $t->worker_pids($new) == 2;
    sleep 0.02;
}
ok($new && $new != $old, 'USR2: new master') or diag($t->errlog());
is($t->read_file('logs/sluice.pid.oldbin') =~ /^(\d+)/ ? $1 : undef, $old,
    'old pid in sluice.pid.oldbin');
is(scalar $t->worker_pids($new), 2, 'new master has two workers');
is(join(' ', $t->worker_pids($old)), join(' ', @old_w),
    'old master keeps its workers');

sleep 0.3;

$t->signal('QUIT', $old);
ok($t->wait_exit(10, $old), 'old master exits on QUIT');
ok($t->wait_pids_gone(5, @old_w), 'old workers exit');
ok(!-e $t->path('logs/sluice.pid.oldbin'), 'sluice.pid.oldbin removed');
is($t->master_pid(), $new, 'sluice.pid names the new master');

sleep 0.3;

my $n = $loop->stop();
my $res = $n->{line} // $n->{error};
note("client loop during the upgrade: $res");
is($n->{refused}, 0, 'no refused connection during the upgrade') or diag($res);
is(($n->{failed} // 0) + ($n->{other} // 0), 0,
    'no failed request during the upgrade') or diag($res);
cmp_ok($n->{ok} // 0, '>', 50, 'the client kept getting answers') or diag($res);

my $r = Sluice::RTSP::rtsp_options(port => $port);
is($r && $r->{status}, 200, 'new master serves');
