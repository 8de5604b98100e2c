package Sluice::TLS;

# A certificate authority made for one test, with the openssl command:
#
#   my $ca = make_ca($t);                        # ca.pem, ca.key
#   my $c = make_cert($t, 'server', 'localhost'); # server.pem, server.key
#   $c->{pem}, $c->{key}, $c->{ca}
#
# Server certificates are signed by the test's CA and name localhost,
# 127.0.0.1 and ::1; s_client() connects with openssl s_client and returns
# what it printed.

use strict;
use warnings;

use Exporter qw/import/;

our @EXPORT_OK = qw/make_ca make_cert make_key s_client/;

sub _openssl {
    my ($t, @args) = @_;
    my $r = $t->run_cmd(['openssl', @args], timeout => 60);
    die "openssl @args[0..1]: $r->{err}" unless $r->{code} == 0;
    return $r;
}

sub make_ca {
    my ($t, $name) = @_;
    $name //= 'ca';
    my $pem = $t->path("$name.pem");
    my $key = $t->path("$name.key");
    _openssl($t, 'req', '-x509', '-newkey', 'ec',
        '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', $key, '-out', $pem, '-days', '2',
        '-subj', "/CN=Sluice test CA $name");
    return { pem => $pem, key => $key };
}

# a key alone (for a certificate/key pair that does not match)
sub make_key {
    my ($t, $name) = @_;
    my $key = $t->path("$name.key");
    _openssl($t, 'genpkey', '-algorithm', 'ec',
        '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', $key);
    return $key;
}

sub make_cert {
    my ($t, $name, $cn, $ca) = @_;
    $ca //= 'ca';
    my $pem = $t->path("$name.pem");
    my $key = make_key($t, $name);
    my $csr = $t->path("$name.csr");
    my $ext = $t->path("$name.ext");

    $t->write_file("$name.ext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
        . "extendedKeyUsage=serverAuth\n");
    _openssl($t, 'req', '-new', '-key', $key, '-out', $csr,
        '-subj', "/CN=$cn");
    _openssl($t, 'x509', '-req', '-in', $csr, '-CA', $t->path("$ca.pem"),
        '-CAkey', $t->path("$ca.key"), '-CAcreateserial', '-days', '2',
        '-extfile', $ext, '-out', $pem);
    return { pem => $pem, key => $key, ca => $t->path("$ca.pem") };
}

# openssl s_client to PORT: { code, out (stdout and stderr) }.  OPTS: more
# s_client arguments; input is held open for a second so that TLSv1.3
# tickets arrive (-sess_out).
sub s_client {
    my ($t, $port, @opts) = @_;
    my $r = $t->run_cmd(['sh', '-c',
        'sleep 1 | openssl s_client -connect "$0" "$@" 2>&1',
        "127.0.0.1:$port", @opts], timeout => 20);
    return { code => $r->{code}, out => $r->{out} . $r->{err} };
}

1;
