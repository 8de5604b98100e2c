#!/usr/bin/perl

# SO_REUSEPORT would let a second server bind a port that a running one
# listens on and quietly take part of its connections.  Sluice checks that
# an address is free before it opens the first socket for it: a second
# server fails to start, and a reload onto a taken port is refused while
# the running configuration keeps serving.

use strict;
use warnings;

use Test::More;
use IO::Socket::IP;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

my $conf = <<'EOF';
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
%%EXTRA%%
    }
}
EOF

sub write_conf {
    my ($extra) = @_;
    (my $c = $conf) =~ s/%%EXTRA%%/$extra/;
    $t->write_file_expand('sluice.conf', $c);
}

write_conf('');
$t->plan(8);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);

# a second server on the same port
my $second = Sluice->new();
$second->write_file('conf/sluice.conf', <<"EOF");
daemon off;
error_log logs/error.log info;
events { worker_connections 64; }
streaming { server { listen 127.0.0.1:$port rtsp; } }
EOF
$second->expect_errors(qr/bind\(\) to 127\.0\.0\.1:$port failed/);
my $r = $second->sluice('-c', $second->conf_path());
is($r->{code}, 1, 'a second server on a busy port does not start');
like(($r->{err} // '') . ($second->errlog() // ''),
    qr/bind\(\) to 127\.0\.0\.1:$port failed \(98: Address already in use\)/,
    '... and says the address is in use');

# every connection still reaches the first server
my $ok = 0;
for (1 .. 40) {
    my $o = Sluice::RTSP::rtsp_options(port => $port);
    $ok++ if $o && $o->{status} == 200;
}
is($ok, 40, 'the first server answers every connection');

# a reload onto a port that something else holds is refused
my $holder = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0,
    Listen => 5, ReuseAddr => 1) or die "listen: $!";
my $taken = $holder->sockport();

write_conf("        listen 127.0.0.1:$taken rtsp;");
$t->expect_errors(qr/bind\(\) to 127\.0\.0\.1:$taken failed/);
my @w = $t->worker_pids();
$t->signal('HUP');
ok($t->wait_log(qr/bind\(\) to 127\.0\.0\.1:$taken failed/, 5),
    'reload onto a taken port: bind error logged');
ok($t->wait_log(qr/reload failed, still running the previous configuration/, 5),
    'reload onto a taken port: refused');
is(join(' ', $t->worker_pids()), join(' ', @w), '... the workers stay');
my $o = Sluice::RTSP::rtsp_options(port => $port);
is($o && $o->{status}, 200, '... and keep serving');

# the same reload once the port is free succeeds
close $holder;
write_conf("        listen 127.0.0.1:$taken rtsp;");
$t->reload();
$o = Sluice::RTSP::rtsp_options(port => $taken);
is($o && $o->{status}, 200, 'once the port is free, the reload opens it');
