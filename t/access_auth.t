#!/usr/bin/perl

# allow/deny for IPv4 and IPv6 clients, alone and with "auth digest".
# One server listens on 127.0.0.1 and [::1]; each publishing point denies
# one family ("deny ::1; allow all;", "allow 127.0.0.1; deny all;" and
# the mirror images).  Without auth the denied family gets 403 and the
# other plays (ffprobe's packets).  With auth digest the denied family
# gets 403 before any challenge, even with a right password, and no
# authentication is logged; the other gets 401 with the challenges, then
# plays with the password.  The IPv6 half is skipped when ::1 cannot be
# bound.

use strict;
use warnings;

use Test::More;
use Digest::MD5 qw/md5_hex/;
use IO::Socket::IP;

use lib 't/lib';
use Sluice;
use Sluice::RTSP qw/rtsp_request/;
use Sluice::Media qw/make_media file_duration rtsp_span/;

my $t = Sluice->new()->has(qw/streaming access auth rtsp/)
    ->has_program(qw/ffmpeg ffprobe/);

my $v6 = IO::Socket::IP->new(LocalHost => '::1', Listen => 1) ? 1 : 0;
my $listen6 = $v6 ? 'listen [::1]:%%PORT_8554%% rtsp;' : '';

# the points: name => [rules, the family denied]
my %points = (
    no6   => ['deny ::1; allow all;', 6],
    only4 => ['allow 127.0.0.1; deny all;', 6],
    no4   => ['deny 127.0.0.1; allow all;', 4],
    only6 => ['allow ::1; deny all;', 4],
);

my $pps = '';
for my $name (sort keys %points) {
    for my $auth ('', 'auth digest;') {
        $pps .= "        publishing_point /$name" . ($auth ? 'a' : '')
            . " {\n            type on_demand;\n"
            . "            path %%TESTDIR%%/media;\n"
            . "            $points{$name}[0]\n"
            . ($auth ? "            $auth\n" : '') . "        }\n";
    }
}

$t->write_file_expand('sluice.conf', <<"EOF");
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    auth_users %%TESTDIR%%/users;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        $listen6

$pps    }
}
EOF

open my $fh, '|-', 'scripts/sluice-passwd', '--stdin', $t->path('users'),
    'alice' or die "sluice-passwd: $!";
print $fh "secret\n";
close $fh or die 'sluice-passwd failed';

make_media($t, 'a.mp3', 2, 'mp3');
my $dur = file_duration($t, $t->path('media/a.mp3'));

$t->plan(44);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my %host = (4 => '127.0.0.1', 6 => '::1');
my %url_host = (4 => '127.0.0.1', 6 => '[::1]');

sub url {
    my ($family, $path, $cred) = @_;
    return "rtsp://" . ($cred ? "$cred\@" : '') . "$url_host{$family}:$port"
        . "$path/a.mp3";
}

# the log after OFF, without the lines of other clients
sub log_of {
    my ($off, $family) = @_;
    my $client = $family == 6 ? '::1' : '127\.0\.0\.1';
    return join "\n", grep { /client: $client,/ }
        split /\n/, substr($t->errlog(), $off);
}

sub challenges {
    my ($r) = @_;
    return grep { lc $_->[0] eq 'www-authenticate' }
        @{$r->{header_list} // []};
}

# a nonce for the client's address, from a point that lets it in
sub nonce_for {
    my ($family) = @_;
    my $path = $family == 6 ? '/only6a' : '/only4a';
    my $r = rtsp_request(host => $host{$family}, port => $port,
                         method => 'DESCRIBE', url => url($family, $path));
    for my $h (challenges($r)) {
        return $1 if $h->[1] =~ /nonce="([^"]+)".*algorithm=MD5$/;
    }
    return undef;
}

sub plays {
    my ($family, $path, $cred, $what) = @_;
    my $s = rtsp_span($t, url($family, $path, $cred), 'tcp');
    my $span = $s->{span}{0} // 0;
    ok($s->{code} == 0 && $span >= $dur - 0.2,
       "$what: ffprobe gets the stream ($span of $dur s)") or diag($s->{err});
}

sub refused {
    my ($family, $path, $cred, $what) = @_;
    my $off = $t->log_offset();
    my $s = rtsp_span($t, url($family, $path, $cred), 'tcp');
    ok($s->{code} != 0 && $s->{err} =~ /403/ && !%{$s->{packets}},
       "$what: 403, no packets") or diag($s->{err});
    $t->wait_log(qr/access forbidden by rule/, 5, $off);
    like(log_of($off, $family), qr/access forbidden by rule/,
         "$what: the rule is logged");
}

for my $family (4, 6) {
  SKIP: {
    skip 'no IPv6 on loopback', 22 if $family == 6 && !$v6;

    for my $name (sort keys %points) {
        my $denied = $points{$name}[1] == $family;
        my $what = "IPv$family, /$name ($points{$name}[0])";

        # no auth
        if ($denied) {
            refused($family, "/$name", undef, $what);
        } else {
            plays($family, "/$name", undef, $what);
        }

        # auth digest
        $what = "IPv$family, /${name}a with auth";
        my $u = url($family, "/${name}a");

        if ($denied) {
            my $nonce = nonce_for($family);
            my $resp = md5_hex(md5_hex('alice:Sluice:secret') . ":$nonce:"
                               . md5_hex("DESCRIBE:$u"));
            my $off = $t->log_offset();
            my $r = rtsp_request(host => $host{$family}, port => $port,
                method => 'DESCRIBE', url => $u,
                headers => [['Authorization', qq{Digest username="alice", }
                    . qq{realm="Sluice", nonce="$nonce", uri="$u", }
                    . qq{response="$resp"}]]);
            ok($r && $r->{status} == 403 && !challenges($r),
               "$what: a right password gets 403 and no challenge")
                or diag($r ? $r->{raw} : 'no response');
            $t->wait_log(qr/access forbidden by rule/, 5, $off);
            my $log = log_of($off, $family);
            ok($log =~ /access forbidden by rule/
               && $log !~ /authentication:/,
               "$what: the rule is logged, no authentication") or diag($log);

            refused($family, "/${name}a", 'alice:secret',
                    "$what, ffprobe with the password");
            next;
        }

        my $r = rtsp_request(host => $host{$family}, port => $port,
                             method => 'DESCRIBE', url => $u);
        my @ch = map { $_->[1] } challenges($r);
        ok($r && $r->{status} == 401 && @ch == 2
           && $ch[0] =~ /^Digest .*algorithm=SHA-256$/
           && $ch[1] =~ /^Digest .*algorithm=MD5$/,
           "$what: 401 with the challenges")
            or diag($r ? $r->{raw} : 'no response');

        my $off = $t->log_offset();
        plays($family, "/${name}a", 'alice:secret', "$what, the password");
        like(log_of($off, $family),
             qr/authentication: user "alice", method digest MD5, granted/,
             "$what: the login is logged");
        unlike(log_of($off, $family), qr/access forbidden/,
               "$what: no rule refused it");
    }
  }
}
