#!/usr/bin/perl

# Session tickets shared by several servers (machines behind one load
# balancer): two Sluice masters reading the same ssl_session_ticket_key
# files open each other's tickets, also after reloads (file keys do not
# rotate); with their own rotating keys they do not.  A second file's key
# opens tickets but does not seal them.  A key file of the wrong size is
# a configuration error with FILE:LINE.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::TLS qw/make_ca make_cert s_client/;

my $a = Sluice->new()->has(qw/streaming rtsp ssl/)->has_program(qw/openssl/);
my $b = Sluice->new();

make_ca($a);
make_cert($a, 'server', 'localhost');

# the keys: random, made as an operator would (openssl rand 80)
for my $k (qw/one two/) {
    my $r = $a->run_cmd(['openssl', 'rand', '-out', $a->path("$k.key"), 80]);
    die "openssl rand: $r->{err}" if $r->{code};
}
$a->write_file('short.key', 'x' x 48);

sub conf {
    my ($t, @keys) = @_;
    my $dir = $a->testdir();
    my $keys = join '', map { "        ssl_session_ticket_key $dir/$_.key;\n" }
        @keys;
    return <<"EOF";
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8322%% rtsp ssl;

        ssl_certificate $dir/server.pem;
        ssl_certificate_key $dir/server.key;
$keys    }
}
EOF
}

$a->plan(7);

# a wrong size: the file's line
$a->write_file_expand('conf/bad.conf', conf($a, 'one', 'short'));
my $r = $a->sluice('-t', '-c', $a->path('conf/bad.conf'));
ok($r->{code} != 0 && $r->{err} =~ /session ticket key "\S+short\.key" must be 80 bytes \(openssl rand 80\), not 48 in \S+bad\.conf:15$/m,
   'a key file of 48 bytes is an error with FILE:LINE') or diag($r->{err});

# A and B seal with "one"; B also opens "two"
$a->write_file_expand('sluice.conf', conf($a, 'one'));
$b->write_file_expand('sluice.conf', conf($b, 'one', 'two'));
$a->run() or BAIL_OUT('cannot start sluice A');
$b->run() or BAIL_OUT('cannot start sluice B');

my ($pa, $pb) = ($a->port(8322), $b->port(8322));

sub resumed {
    my ($port, $in, $out) = @_;
    my $s = s_client($a, $port, $in ? ('-sess_in', $a->path($in)) : (),
                     $out ? ('-sess_out', $a->path($out)) : ());
    return $s->{out} =~ /^Reused,/m ? 1 : 0;
}

resumed($pa, undef, 'a.sess');
ok(-s $a->path('a.sess') && resumed($pb, 'a.sess'),
   'a ticket of server A resumes on server B');

$a->reload() or die 'reload failed';
$a->reload() or die 'reload failed';
$a->reload() or die 'reload failed';
$a->reload() or die 'reload failed';
ok(resumed($pa, 'a.sess'), 'and on A after four reloads (file keys stay)');

# B seals with "one" too: A opens B's tickets
resumed($pb, undef, 'b.sess');
ok(resumed($pa, 'b.sess'), 'a ticket of B resumes on A');

# A now seals with "two", which B opens as its second key
$a->write_file_expand('sluice.conf', conf($a, 'two', 'one'));
$a->reload() or die 'reload failed';
resumed($pa, undef, 'a2.sess');
ok(resumed($pb, 'a2.sess'), 'a ticket sealed with B\'s second key resumes on B');

# without files, each master has its own keys
$a->write_file_expand('sluice.conf', conf($a));
$a->reload() or die 'reload failed';
resumed($pa, undef, 'own.sess');
ok(resumed($pa, 'own.sess') && !resumed($pb, 'own.sess'),
   'with its own keys, A\'s tickets resume on A and not on B');
ok(!resumed($pa, 'a.sess'), 'nor do the shared key\'s tickets on A');
