#!/usr/bin/perl

# A broadcast point belongs to its server: the same path in two servers is
# two streams.  Each server's playlist reaches only its own listeners, an
# encoder pushing to one server's point does not feed the other's, and a
# reload that swaps the servers' order keeps each stream with its server.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep/;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_listen http_request/;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming http/)->has_program(qw/ffmpeg/);

make_media($t, 'a.mp3', 2, 'mp3');

for my $n (qw/One Two/) {
    $t->write_file("$n.playlist", <<"EOF");
loop;
media/a.mp3 title="Server $n";
EOF
}

my %server = (
    One => <<'EOF',
    server {
        listen 127.0.0.1:%%PORT_8000%% http;
        icy_metaint 4000;

        publishing_point /radio {
            type    broadcast;
            source  playlist One.playlist;
        }

        publishing_point /live {
            type    broadcast;
            source  push;
            allow_push 127.0.0.1;
        }
    }
EOF
    Two => <<'EOF',
    server {
        listen 127.0.0.1:%%PORT_8001%% http;
        icy_metaint 4000;

        publishing_point /radio {
            type    broadcast;
            source  playlist Two.playlist;
        }

        publishing_point /live {
            type    broadcast;
            source  push;
            allow_push 127.0.0.1;
        }
    }
EOF
);

sub conf {
    my (@order) = @_;
    return <<'EOF' . join('', map { $server{$_} } @order) . "}\n";
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
EOF
}

$t->write_file_expand('sluice.conf', conf(qw/One Two/));

$t->plan(7);
$t->run() or BAIL_OUT('cannot start sluice');

my %port = (One => $t->port(8000), Two => $t->port(8001));

# every title a listener of PORT's /radio hears in three seconds
sub titles {
    my ($port) = @_;
    my $r = http_listen($port, '/radio', icy => 1, seconds => 3);
    my %seen = map { $_ => 1 } @{$r->{titles} // []};
    return join ', ', sort keys %seen;
}

is(titles($port{One}), 'Server One', 'the first server plays its playlist');
is(titles($port{Two}), 'Server Two', 'the second server plays its own');

# an encoder pushes to the first server's /live only

my $enc = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3',
    '-content_type', 'audio/mpeg', '-method', 'PUT',
    "http://127.0.0.1:$port{One}/live"]);

ok($t->wait_log(qr/encoder connected to "\/live"/, 10),
    'an encoder pushes to the first server');

my $one;
for (1 .. 50) {
    $one = http_request($port{One}, "HEAD /live HTTP/1.1\r\nHost: x\r\n\r\n",
                        1)->{status};
    last if $one == 200;
    sleep 0.1;
}

my $two = http_request($port{Two}, "HEAD /live HTTP/1.1\r\nHost: x\r\n\r\n",
                       1)->{status};
ok($one == 200 && $two == 503,
    'its stream is live there and not on the other server\'s /live')
    or diag("first $one, second $two");

# a reload with the servers in the other order

$t->write_file_expand('sluice.conf', conf(qw/Two One/));
ok(scalar $t->reload(), 'reloaded with the servers swapped');

is(titles($port{One}) . ' / ' . titles($port{Two}),
    'Server One / Server Two', 'each playlist still plays on its server');

my $r = http_listen($port{One}, '/live', seconds => 2);
ok($r->{status} == 200 && length($r->{audio} // '') > 8000,
    'the push goes on through the reload ('
    . length($r->{audio} // '') . ' bytes in 2 s)');

$t->stop_cmd($enc);
