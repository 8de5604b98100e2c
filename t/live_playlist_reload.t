#!/usr/bin/perl

# A reload does not send a server-side playlist back to its top: the new
# worker's player goes on with the entry the old one was playing, a
# little way into it, on the same clock, so a listener connected before
# the reload hears A B C A ... without a jump back and without a gap.
# A playlist whose entries changed starts from its top.

use strict;
use warnings;

use Test::More;
use POSIX qw/_exit/;
use Time::HiRes qw/sleep/;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_listen/;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming http/)->has_program(qw/ffmpeg/);

make_media($t, "$_.mp3", 2, 'mp3') for qw/a b c/;

$t->write_file('radio.playlist', <<'EOF');
loop;
media/a.mp3 title="A";
media/b.mp3 title="B";
media/c.mp3 title="C";
EOF

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8000%% http;
        icy_metaint 2000;

        publishing_point /radio {
            type    broadcast;
            source  playlist radio.playlist;
        }
    }
}
EOF

$t->plan(6);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8000);

# a listener for 9 s, in a child; what it heard goes to a file
my $heard = $t->path('heard');
my $pid = fork() // die "fork: $!";
if ($pid == 0) {
    my $r = http_listen($port, '/radio', icy => 1, seconds => 9);
    my @seq;
    for my $title (@{$r->{titles} // []}) {
        push @seq, $title unless @seq && $seq[-1] eq $title;
    }
    open my $f, '>', $heard or _exit(1);
    print $f length($r->{audio} // ''), "\n", join(' ', @seq), "\n";
    close $f;
    _exit(0);
}

# the reload comes 0.7 s into B
ok($t->wait_log(qr/"\/radio" plays "\S+\/b\.mp3"/, 10),
   'the playlist reaches its second entry');
sleep 0.7;
my $off = $t->log_offset();
ok(scalar $t->reload(), 'reloaded');

my $line = $t->wait_log(qr/"\/radio" goes on with playlist "\S+" where the player before left it, \d+ ms into an entry/,
                        5, $off) // '';
my ($into) = $line =~ /left it, (\d+) ms/;
ok(defined $into && $into >= 500 && $into <= 1500,
   'the new worker\'s player goes on from the old one\'s place')
    or diag($line);

$line = $t->wait_log(qr/"\/radio" plays "\S+\/[abc]\.mp3"/, 5, $off) // '';
my ($next) = $line =~ /\/([abc])\.mp3"/;
is($next // '', 'b', 'it plays the entry that was playing, not the first one');

waitpid($pid, 0);
my ($bytes, $seq) = split /\n/, $t->read_file('heard') // '';
$bytes //= 0;
$seq //= '';

# 128 kbit/s: 16000 bytes a second, and a burst at the start
ok($seq =~ /^(?:A )?B C A/ && $bytes > 9 * 16000 * 0.95,
   "the listener of before the reload heard on, in order ($seq, $bytes bytes)");

# a changed playlist starts from its top
$t->write_file('radio.playlist', <<'EOF');
loop;
media/c.mp3 title="C";
media/a.mp3 title="A";
EOF
$off = $t->log_offset();
$t->reload();
ok($t->wait_log(qr/playlist "\S+radio\.playlist" changed: "\/radio" plays it from the top/, 5, $off)
   && $t->wait_log(qr/"\/radio" plays "\S+\/c\.mp3"/, 5, $off),
   'a changed playlist plays from its top')
    or diag(substr($t->errlog(), $off));
