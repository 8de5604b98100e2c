#!/usr/bin/perl

# Two workers pinned to different CPUs, both accepting connections.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
worker_cpu_affinity auto;
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

my $ncpu = () = `cat /proc/cpuinfo` =~ /^processor\s*:/mg;
my $N = 40;

$t->plan(6);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my @w = $t->worker_pids();
is(scalar @w, 2, 'two workers');

SKIP: {
    skip 'one CPU only', 2 if $ncpu < 2;

    my @cpus = map { Sluice::cpus_allowed($_) // '?' } @w;
    ok(!grep({ !/^\d+$/ } @cpus), 'each worker is pinned to one CPU')
        or diag("Cpus_allowed_list: @cpus");
    isnt($cpus[0], $cpus[1], 'the workers are on different CPUs');
}

my $port = $t->port(8554);
my @c;
for (1 .. $N) {
    my $c = Sluice::RTSP->new(port => $port) or last;
    push @c, $c;
}
is(scalar @c, $N, "$N connections open");

my $ok = 0;
$_->send_raw($_->build_request('OPTIONS', "rtsp://127.0.0.1:$port/")) for @c;
for my $c (@c) {
    my $r = $c->read_response();
    $ok++ if $r && $r->{status} == 200;
}
is($ok, $N, "$N OPTIONS answered 200");

# which worker accepted each connection: the pid in the info log line
# "*N client 127.0.0.1:PORT connected to ..."
my %lport = map { $_->local_port() => 1 } @c;
my %by;
for (1 .. 50) {
    %by = ();
    for my $line (split /\n/, $t->errlog()) {
        next unless $line =~ /\s(\d+)#\d+: \*\d+ client 127\.0\.0\.1:(\d+) connected/;
        $by{$1}++ if $lport{$2};
    }
    last if keys %by >= 2;
    select undef, undef, undef, 0.1;
}
ok(@w == 2 && $by{$w[0]} && $by{$w[1]}, 'both workers accepted connections')
    or diag('connections per pid: '
        . join(', ', map { "$_: $by{$_}" } sort keys %by) . "; workers @w");

$_->close() for @c;
