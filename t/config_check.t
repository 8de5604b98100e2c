#!/usr/bin/perl

# Configuration testing: -t on good and bad configs, -T, -v, -V, -g.
# Every bad config must give exactly one error line "... in FILE:LINE" with
# the right line, exit code 1, and never crash.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/time/;

use lib 't/lib';
use Sluice;

my $t = Sluice->new()->has(qw/streaming access rtsp ssl/);
my $d = $t->testdir();

my $good = <<'EOF';
# a good config
worker_processes 1;
error_log logs/error.log info;
pid logs/sluice.pid;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        rtsp_idle_timeout 1m30s;
        publishing_point /vod { }
        publishing_point = /exact { deny all; }
        publishing_point ~ "^/live/(\w+)$" { allow 127.0.0.1; }
    }
}
EOF

# Each case: name, files (name => content; the first is the main config),
# expected message regex, file of the error, line of the error.
my @bad = (
    ['unknown directive', { 'bad.conf' => <<'EOF' },
worker_processes 1;
events { }
foo bar;
EOF
        qr/unknown directive "foo"/, 'bad.conf', 3],

    ['directive in wrong context', { 'bad.conf' => <<'EOF' },
events {
    worker_processes 2;
}
EOF
        qr/"worker_processes" directive is not allowed here/, 'bad.conf', 2],

    ['listen at main level', { 'bad.conf' => <<'EOF' },
events { }

listen 8554 rtsp;
EOF
        qr/"listen" directive is not allowed here/, 'bad.conf', 3],

    ['wrong argument count', { 'bad.conf' => <<'EOF' },
events { }
worker_processes 1 2;
EOF
        qr/invalid number of arguments in "worker_processes" directive/,
        'bad.conf', 2],

    ['no arguments', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        listen;
    }
}
EOF
        qr/invalid number of arguments in "listen" directive/, 'bad.conf', 4],

    ['duplicate', { 'bad.conf' => <<'EOF' },
worker_processes 1;
events { }
worker_processes 2;
EOF
        qr/"worker_processes" directive is duplicate/, 'bad.conf', 3],

    ['number out of range (overflow)', { 'bad.conf' => <<'EOF' },
events {
    worker_connections 99999999999999999999999;
}
EOF
        qr/invalid value "99999999999999999999999" in "worker_connections" directive/,
        'bad.conf', 2],

    ['number below the minimum', { 'bad.conf' => <<'EOF' },
events {
    worker_connections 1;
}
EOF
        qr/invalid value "1" in "worker_connections" directive, it must be/,
        'bad.conf', 2],

    ['negative number', { 'bad.conf' => <<'EOF' },
worker_processes -1;
events { }
EOF
        qr/invalid value "-1" in "worker_processes" directive/, 'bad.conf', 1],

    ['bad time unit', { 'bad.conf' => <<'EOF' },
events { }
worker_shutdown_timeout 5q;
EOF
        qr/invalid value "5q" in "worker_shutdown_timeout" directive/,
        'bad.conf', 2],

    ['bad size unit', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        listen 127.0.0.1:8554 rtsp;
        rtsp_max_request 16q;
    }
}
EOF
        qr/invalid value "16q" in "rtsp_max_request" directive/,
        'bad.conf', 5],

    ['bad time combination', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        rtsp_idle_timeout 1x30s;
    }
}
EOF
        qr/invalid value "1x30s" in "rtsp_idle_timeout" directive/,
        'bad.conf', 4],

    # no newline at the end: the end of file is on the last line
    ['unterminated block', { 'bad.conf' => "events {\n"
        . "    worker_connections 100;" },
        qr/unexpected end of file, expecting "\}"/, 'bad.conf', 2],

    ['unterminated string', { 'bad.conf' => "events { }\n\n"
        . 'pid "logs/x.pid;' },
        qr/unexpected end of file|unterminated/, 'bad.conf', 3],

    ['missing semicolon at end', { 'bad.conf' => "events { }\n"
        . 'worker_processes 1' },
        qr/unexpected end of file, expecting ";" or "\}"/, 'bad.conf', 2],

    ['unexpected }', { 'bad.conf' => <<'EOF' },
events { }
}
worker_processes 1;
EOF
        qr/unexpected "\}"/, 'bad.conf', 2],

    ['missing include file', { 'bad.conf' => <<'EOF' },
events { }

include nonexistent.conf;
EOF
        qr/open\(\) "[^"]*nonexistent\.conf" failed/, 'bad.conf', 3],

    ['error in an included file', {
        'bad.conf' => "events { }\ninclude inc/part.conf;\n",
        'inc/part.conf' => "worker_processes 1;\n\nbogus_in_include;\n" },
        qr/unknown directive "bogus_in_include"/, 'inc/part.conf', 3],

    ['regex that fails to compile', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /ok { }
        publishing_point ~ "^/(unclosed" { }
    }
}
EOF
        qr/regex|pcre|compil|parenthes/i, 'bad.conf', 5],

    ['unknown directive at end of publishing point', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /a {
            deny all;
            no_such_thing on;
        }
    }
}
EOF
        qr/unknown directive "no_such_thing"/, 'bad.conf', 6],

    ['bad CIDR', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    allow 10.0.0.0/33;
}
EOF
        qr/invalid|10\.0\.0\.0\/33/, 'bad.conf', 3],

    ['broadcast point without a source', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /live {
            type broadcast;
        }
    }
}
EOF
        qr/type broadcast has no "source"/, 'bad.conf', 4],

    ['source on an on-demand point', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /vod { type on_demand; path media; source push; }
    }
}
EOF
        qr/"source" is only for publishing points of type broadcast/,
        'bad.conf', 4],

    ['broadcast point with a regex', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {

        publishing_point ~ ^/live/(\w+)$ { type broadcast; source push; }
    }
}
EOF
        qr/needs a plain name/, 'bad.conf', 5],

    ['bad source', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /x {
            type broadcast;
            source ftp://host/x;
        }
    }
}
EOF
        qr/invalid "source"/, 'bad.conf', 6],

    ['bad pull URL', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /x {
            type broadcast;
            source http://127.0.0.1:99999/x;
        }
    }
}
EOF
        qr/invalid "source" URL "http:\/\/127.0.0.1:99999\/x": a bad port/,
        'bad.conf', 6],

    ['pull URL with a user', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /x {
            type broadcast;
            source rtsp://me:secret@127.0.0.1/x;
        }
    }
}
EOF
        qr/a user and password in the "source" URL are not supported/,
        'bad.conf', 6],

    ['live buffer too small for its largest unit', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        publishing_point /x {
            type broadcast;
            source push;
            live_buffer 1m;
            live_max_unit 1m;
        }
    }
}
EOF
        qr/"live_buffer" 1048576 must be at least 8 times/, 'bad.conf', 4],

    ['TLS listen without a certificate', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        listen 127.0.0.1:8322 rtsp ssl;
    }
}
EOF
        qr/no "ssl_certificate" for "listen \.\.\. ssl"/, 'bad.conf', 4],

    ['certificate without its key', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    server {
        ssl_certificate server.pem;
    }
}
EOF
        qr/"ssl_certificate" without its "ssl_certificate_key"/,
        'bad.conf', 4],

    ['certificate file missing', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    ssl_certificate missing.pem;
    ssl_certificate_key missing.key;
    server {
        listen 127.0.0.1:8322 rtsp ssl;
    }
}
EOF
        qr/cannot load certificate ".*missing\.pem" .*No such file/,
        'bad.conf', 3],

    ['unknown TLS protocol', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    ssl_protocols TLSv1.2 SSLv3;
}
EOF
        qr/invalid value "SSLv3" in "ssl_protocols"/, 'bad.conf', 3],

    ['TLS buffer size out of bounds', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    ssl_buffer_size 4k;
    server {
        ssl_buffer_size 32k;
    }
}
EOF
        qr/"32k" in "ssl_buffer_size" directive, it must be between 512 and 16k/,
        'bad.conf', 5],

    ['Basic cache time out of bounds', { 'bad.conf' => <<'EOF' },
events { }
streaming {
    auth_basic_cache_time 0;
    server {
        auth_basic_cache_time 2d;
    }
}
EOF
        qr/"2d" in "auth_basic_cache_time" directive, it must be between 0s and 1d/,
        'bad.conf', 5],
);

$t->plan(
    11                      # good config, -T, -v, -V, -g
    + 4 * @bad              # bad configs
    + 4                     # recursive includes
    + 5                     # include glob relative to the config's folder
    + 6                     # 10 MB configs
);

###############################################################################

sub check {
    my ($args) = @_;
    return $t->sluice(@$args, { timeout => 60 });
}

# Exactly one line "in FILE:LINE"; returns that line (or diags and undef).
sub one_error_line {
    my ($r) = @_;
    my @lines = grep { / in \S+:\d+\s*$/ } split /\n/, $r->{err} . $r->{out};
    return $lines[0] if @lines == 1;
    my $out = join "\n", map { length > 300 ? substr($_, 0, 300) . '...' : $_ }
        split /\n/, $r->{err} . $r->{out};
    diag('expected one "in FILE:LINE" line, got ' . scalar(@lines)
        . ":\n$out");
    return undef;
}

# good config

$t->write_file_expand('sluice.conf', $good);

my $r = check(['-c', "$d/conf/sluice.conf", '-t']);
is($r->{code}, 0, 'good config: -t exits 0') or diag($r->{err});
like($r->{err}, qr/test is successful/, 'good config: test is successful');

$r = check(['-c', "$d/conf/sluice.conf", '-T']);
is($r->{code}, 0, '-T exits 0');
like($r->{out}, qr/worker_connections\s+64;/, '-T dumps the config')
    or diag($r->{out});
like($r->{out}, qr/publishing_point\s+~\s+"?\^\/live\/\(\\w\+\)\$"?/,
    '-T dumps a regex publishing point');

$r = check(['-v']);
like($r->{err} . $r->{out}, qr{^sluice version: Sluice/\d+\.\d+\.\d+$}m,
    '-v prints the version');

$r = check(['-V']);
my $v = $r->{err} . $r->{out};
like($v, qr{^sluice version: Sluice/\d+\.\d+\.\d+$}m, '-V prints the version');
ok($v =~ /^configure arguments:/m && $v =~ /^modules:.*\bstreaming\b/m
    && $v =~ /^modules:.*\brtsp\b/m,
    '-V prints configure arguments and modules') or diag($v);
like($v, qr/OpenSSL.*PCRE2.*zlib/, '-V prints library versions');

# -g adds a directive: unknown directive given with -g is an error
$r = check(['-c', "$d/conf/sluice.conf", '-g', 'bogus_global on;', '-t']);
ok($r->{code} == 1 && ($r->{err} =~ /unknown directive "bogus_global"/),
    '-g directives are parsed') or diag($r->{err});

$r = check(['-c', "$d/conf/sluice.conf", '-g', 'worker_shutdown_timeout 7s;',
    '-T']);
like($r->{out}, qr/^\s*worker_shutdown_timeout\s+7s;/m,
    '-g directives are applied')
    or diag($r->{err});

# bad configs

my $n = 0;
for my $case (@bad) {
    my ($name, $files, $re, $file, $line) = @$case;

    my $sub = 'bad' . $n++;
    my $main;
    for my $f (sort { $a eq 'bad.conf' ? -1 : $b eq 'bad.conf' ? 1 : 0 }
               keys %$files)
    {
        my $p = $t->write_file("$sub/$f", $files->{$f});
        $main //= $p;
    }
    my $path = "$d/$sub/$file";

    $r = check(['-c', $main, '-t']);

    is($r->{code}, 1, "$name: exit code 1")
        or diag("signal $r->{signal}, timeout $r->{timeout}\n$r->{err}");
    my $l = one_error_line($r);
    ok($l, "$name: one error line");
    like($l // '', $re, "$name: message");
    like($l // '', qr/ in \Q$path\E:$line\s*$/, "$name: in FILE:$line");
}

# recursive includes

$t->write_file('rec/self.conf', "events { }\n\ninclude self.conf;\n");
$r = check(['-c', "$d/rec/self.conf", '-t']);
is($r->{code}, 1, 'include of itself: exit code 1')
    or diag("signal $r->{signal}, timeout $r->{timeout}\n$r->{err}");
like(one_error_line($r) // '', qr/recursi.* in \Q$d\E\/rec\/self\.conf:3\s*$/,
    'include of itself: recursion at its line');

$t->write_file('rec/a.conf', "events { }\ninclude b.conf;\n");
$t->write_file('rec/b.conf', "# b\n\ninclude a.conf;\n");
$r = check(['-c', "$d/rec/a.conf", '-t']);
is($r->{code}, 1, 'include loop a -> b -> a: exit code 1')
    or diag("signal $r->{signal}, timeout $r->{timeout}\n$r->{err}");
like(one_error_line($r) // '',
    qr/recursi.* in \Q$d\E\/rec\/(?:b\.conf:3|a\.conf:2)\s*$/,
    'include loop: recursion at an include line');

# include glob relative to the config's folder (not the prefix, not the cwd)

$t->write_file('other/main.conf', <<'EOF');
events { }
include parts/*.conf;
EOF
$t->write_file('other/parts/1.conf', "worker_processes 3;\n");
$t->write_file('other/parts/2.conf',
    "streaming {\n    server {\n        rtsp_idle_timeout 7s;\n    }\n}\n");
# decoys relative to the prefix and to the cwd
$t->write_file('parts/1.conf', "decoy_in_prefix;\n");
$t->write_file('cwd/parts/1.conf', "decoy_in_cwd;\n");

$r = $t->sluice('-c', "$d/other/main.conf", '-t', { cwd => "$d/cwd" });
is($r->{code}, 0, 'include glob: -t ok') or diag($r->{err});
$r = $t->sluice('-c', "$d/other/main.conf", '-T', { cwd => "$d/cwd" });
like($r->{out}, qr/worker_processes\s+3;/, 'include glob: first file used');
like($r->{out}, qr/rtsp_idle_timeout\s+7s;/, 'include glob: second file used');

$t->write_file('other/parts/3.conf', "\nbroken_part;\n");
$r = $t->sluice('-c', "$d/other/main.conf", '-t', { cwd => "$d/cwd" });
is($r->{code}, 1, 'include glob: error in a matched file');
like(one_error_line($r) // '',
    qr/unknown directive "broken_part" in \Q$d\E\/other\/parts\/3\.conf:2\s*$/,
    'include glob: error names the included file and line');

# 10 MB configs

my $big = "events { }\n" . ("# " . ("x" x 97) . "\n") x 100_000;
$big .= "bogus_after_10mb;\n";
my $line = ($big =~ tr/\n//);
$t->write_file('big/comments.conf', $big);

my $start = time();
$r = check(['-c', "$d/big/comments.conf", '-t']);
is($r->{code}, 1, '10 MB config: exit code 1')
    or diag("signal $r->{signal}, timeout $r->{timeout}");
like(one_error_line($r) // '',
    qr/unknown directive "bogus_after_10mb" in \Q$d\E\/big\/comments\.conf:$line\s*$/,
    '10 MB config: error on its last line');
cmp_ok(time() - $start, '<', 20, '10 MB config: parsed in bounded time');

$t->write_file('big/token.conf',
    'worker_processes ' . ('7' x (10 * 1024 * 1024)) . ";\nevents { }\n");
$r = check(['-c', "$d/big/token.conf", '-t']);
is($r->{code}, 1, '10 MB token: exit code 1')
    or diag("signal $r->{signal}, timeout $r->{timeout}");
like(one_error_line($r) // '', qr/ in \Q$d\E\/big\/token\.conf:1\s*$/,
    '10 MB token: one error line at line 1');

$t->write_file('big/string.conf', "events { }\npid \"" . ('a' x (10 * 1024 * 1024)));
$r = check(['-c', "$d/big/string.conf", '-t']);
is($r->{code}, 1, '10 MB unterminated string: exit code 1')
    or diag("signal $r->{signal}, timeout $r->{timeout}");

###############################################################################
