#!/usr/bin/perl

# Encrypted certificate keys: without ssl_password_file, or with none of
# its passwords right, the configuration fails with the key's file:line
# (and never waits at a terminal); with the right password among its
# lines the key loads and the server answers RTSPS with its certificate;
# a reload whose password file lost the password is refused and the
# running server keeps serving.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::TLS qw/make_ca make_cert s_client/;

my $t = Sluice->new()->has(qw/streaming rtsp ssl/)->has_program(qw/openssl/);

# the refused reload below is logged at emerg, as it should be
$t->expect_errors(qr/cannot load certificate key/);

make_ca($t);
my $c = make_cert($t, 'server', 'sluice-sealed');

my $r = $t->run_cmd(['openssl', 'pkey', '-in', $c->{key}, '-aes256',
    '-passout', 'pass:open sesame', '-out', $t->path('sealed.key')]);
die "openssl pkey: $r->{err}" if $r->{code};

$t->write_file('passwords', "old password\r\n\nopen sesame\r\n");
$t->write_file('stale', "old password\n");

sub conf {
    my ($password_file) = @_;
    my $pf = $password_file
        ? "ssl_password_file %%TESTDIR%%/$password_file;" : '';
    return <<"EOF";
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8322%% rtsp ssl;

        ssl_certificate %%TESTDIR%%/server.pem;
        ssl_certificate_key %%TESTDIR%%/sealed.key;
        $pf
    }
}
EOF
}

$t->plan(5);

my $key = $t->path('sealed.key');

# sluice -t, under a time limit: OpenSSL is never let ask for a password
for my $case (['', qr/certificate key "\Q$key\E" is encrypted and there is no "ssl_password_file".* in \S+bad\.conf:13$/m,
               'no password file'],
              ['stale', qr/cannot load certificate key "\Q$key\E" with any of the 1 passwords of "ssl_password_file".* in \S+bad\.conf:13$/m,
               'no right password']) {
    my ($pf, $re, $what) = @$case;
    $t->write_file_expand('conf/bad.conf', conf($pf));
    $r = $t->sluice('-t', '-c', $t->path('conf/bad.conf'), { timeout => 10 });
    ok($r->{code} != 0 && $r->{err} =~ $re,
       "an encrypted key with $what fails with file:line")
        or diag($r->{err});
}

$t->write_file_expand('sluice.conf', conf('passwords'));
$t->run() or BAIL_OUT('cannot start sluice');
my $port = $t->port(8322);

my $s = s_client($t, $port, '-CAfile', $t->path('ca.pem'),
    '-verify_return_error');
ok($s->{out} =~ /subject=CN\s*=\s*sluice-sealed/
   && $s->{out} =~ /Verify return code: 0 \(ok\)/,
   'the third line of the password file opens the key');

# the password file loses the password: the reload is refused
$t->write_file_expand('sluice.conf', conf('stale'));
my $off = $t->log_offset();
$t->signal('HUP', $t->master_pid());
ok($t->wait_log(qr/\[emerg\].*cannot load certificate key .* in \S+sluice\.conf:13$/,
                10, $off),
   'a reload without the password is refused with file:line');

$s = s_client($t, $port, '-CAfile', $t->path('ca.pem'),
    '-verify_return_error');
like($s->{out}, qr/Verify return code: 0 \(ok\)/,
     'the running server keeps serving');
