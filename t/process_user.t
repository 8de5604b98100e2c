#!/usr/bin/perl

# "user" and "group": a master started as root runs its workers as the
# configured user, after it opened the listening sockets and the logs.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

plan(skip_all => 'needs root') if $> != 0;

my ($uid, $gid) = (getpwnam('nobody'))[2, 3];
my $group = getgrgid($gid);

$t->write_file_expand('sluice.conf', <<"EOF");
worker_processes 1;
user nobody $group;
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

$t->plan(6);
$t->run() or BAIL_OUT('cannot start sluice');

my ($w) = $t->worker_pids();
my $status = $t->read_file("/proc/$w/status") // '';
my ($ruid, $euid) = $status =~ /^Uid:\s+(\d+)\s+(\d+)/m;
my ($rgid, $egid) = $status =~ /^Gid:\s+(\d+)\s+(\d+)/m;

is($euid, $uid, 'worker runs as nobody');
is($egid, $gid, "worker runs with group $group");
is($ruid, $uid, 'no way back to root (real uid)');

my $m = $t->master_pid();
my ($muid) = ($t->read_file("/proc/$m/status") // '') =~ /^Uid:\s+\d+\s+(\d+)/m;
is($muid, 0, 'the master stays root (for reloads and new sockets)');

my $port = $t->port(8554);
my $r = Sluice::RTSP->new(port => $port)
    ->request('OPTIONS', "rtsp://127.0.0.1:$port/", cseq => 1);
is($r && $r->{status}, 200, 'the unprivileged worker answers');

# an unknown user is a configuration error with file:line
$t->write_file_expand('bad.conf', "user no_such_user_sl;\nevents { }\n");
my $res = $t->run_cmd([$t->binary(), '-p', $t->testdir(), '-c',
    $t->path('conf/bad.conf'), '-t']);
like($res->{err}, qr/getpwnam\("no_such_user_sl"\) failed.* in \S+bad\.conf:1/,
    'unknown user: error with file:line');
