#!/usr/bin/perl

# allow/deny at streaming{}, server{} and publishing_point{} levels, IPv4 and
# IPv6 CIDRs, "all", IPv4-mapped clients, publishing point matching.
#
# Client source addresses other than 127.0.0.1 come from binding the client
# socket to 127.0.0.2 .. 127.0.0.5 (all of 127.0.0.0/8 is local on Linux).
#
# Rules are inherited like nginx's access module: a level without rules uses
# the rules of the enclosing level; a level with rules uses only its own.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming access rtsp/);

plan(skip_all => 'no IPv6 on loopback')
    unless IO::Socket::IP->new(LocalHost => '::1', Listen => 1);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    deny 127.0.0.5;                         # streaming level

    server {                                # no rules: inherits streaming's
        listen 127.0.0.1:%%PORT_1%% rtsp;

        publishing_point /a { deny all; }
        publishing_point /b { }
        publishing_point /p { deny all; }
        publishing_point /p/open { allow all; }
        publishing_point = /e { deny 127.0.0.1; }
        publishing_point /r { allow all; }
        publishing_point ~ ^/r/ { deny all; }
        publishing_point ~ ^/r/x { allow all; }     # never reached
        publishing_point ~* ^/CI/ { deny all; }
        publishing_point ~ ^/s/([0-9]+)$ { deny 127.0.0.2; }
        publishing_point /v6 { deny ::1; }
    }

    server {                                # own rules, first match wins
        listen 127.0.0.1:%%PORT_2%% rtsp;
        listen [::1]:%%PORT_2%% rtsp;

        allow 127.0.0.2;
        deny  127.0.0.0/30;
        allow 127.0.0.5;
        allow ::1;
        deny  all;
    }

    server {                                # IPv6 CIDR
        listen 127.0.0.1:%%PORT_3%% rtsp;
        listen [::1]:%%PORT_3%% rtsp;

        deny  ::/64;
        deny  127.0.0.3/32;
        allow 127.0.0.0/8;
        deny  all;
    }

    server {                                # [::] takes IPv4: v4-mapped clients
        listen [::]:%%PORT_4%% rtsp ipv6only=off;

        deny  127.0.0.1;
        deny  127.0.0.4/31;
        allow all;
    }

    server {                                # deny all
        listen 127.0.0.1:%%PORT_5%% rtsp;
        listen [::1]:%%PORT_5%% rtsp;

        deny all;
        allow 127.0.0.1;                    # after deny all: never reached
    }
}
EOF

# [server index, client address, path, expected status]
my @cases = (
    # streaming level, inherited by server 1 and its publishing points
    [1, '127.0.0.1', '/', 200],
    [1, '127.0.0.5', '/', 403],
    [1, '127.0.0.5', '/b', 403],
    [1, '127.0.0.2', '/b', 200],

    # publishing points: prefix, longest prefix, exact, regex in order
    [1, '127.0.0.1', '/a', 403],
    [1, '127.0.0.1', '/a/x', 403],
    [1, '127.0.0.1', '/b', 200],
    [1, '127.0.0.1', '/b/x', 200],
    [1, '127.0.0.1', '/p/x', 403],
    [1, '127.0.0.1', '/p/open/x', 200],
    [1, '127.0.0.1', '/e', 403],
    [1, '127.0.0.2', '/e', 200],
    [1, '127.0.0.1', '/e/x', 200],
    [1, '127.0.0.1', '/r', 200],
    [1, '127.0.0.1', '/r/x', 403],
    [1, '127.0.0.1', '/r/y', 403],
    [1, '127.0.0.1', '/ci/x', 403],
    [1, '127.0.0.1', '/s/12', 200],
    [1, '127.0.0.2', '/s/12', 403],
    [1, '127.0.0.2', '/s/12/x', 200],
    [1, '127.0.0.1', '/v6', 200],

    # server level, in order
    [2, '127.0.0.1', '/', 403],
    [2, '127.0.0.2', '/', 200],
    [2, '127.0.0.3', '/', 403],
    [2, '127.0.0.4', '/', 403],
    [2, '127.0.0.5', '/', 200],
    [2, '::1', '/', 200],

    # IPv6 CIDR
    [3, '::1', '/', 403],
    [3, '127.0.0.1', '/', 200],
    [3, '127.0.0.3', '/', 403],

    # IPv4 clients of a [::] listener match IPv4 rules
    [4, '127.0.0.1', '/', 403],
    [4, '127.0.0.2', '/', 200],
    [4, '127.0.0.4', '/', 403],
    [4, '::1', '/', 200],

    # deny all
    [5, '127.0.0.1', '/', 403],
    [5, '::1', '/', 403],
);

$t->plan(scalar @cases + 2);
$t->run() or BAIL_OUT('cannot start sluice');

for my $case (@cases) {
    my ($srv, $client, $path, $want) = @$case;
    my $port = $t->port($srv);
    my $v6 = $client =~ /:/;
    my $host = $v6 ? '::1' : '127.0.0.1';
    my $h = $v6 ? "[$host]" : $host;

    my $r = Sluice::RTSP::rtsp_options(host => $host, port => $port,
        local => $client, url => "rtsp://$h:$port$path");
    is($r && $r->{status}, $want, "server $srv, client $client, $path: $want")
        or diag($r ? $r->{raw} : "no response: $@");
}

# a denied client gets a complete 403 response with CSeq, and the connection
# stays usable for the next request
my $c = Sluice::RTSP->new(port => $t->port(1));
my $r = $c->request('OPTIONS', 'rtsp://127.0.0.1:' . $t->port(1) . '/a',
    cseq => 7);
is($r && "$r->{status}/$r->{headers}{cseq}", '403/7', '403 echoes CSeq');
$r = $c->request('OPTIONS', 'rtsp://127.0.0.1:' . $t->port(1) . '/b',
    cseq => 8);
is($r && "$r->{status}/$r->{headers}{cseq}", '200/8',
    'next request on the connection after 403');
$c->close();
