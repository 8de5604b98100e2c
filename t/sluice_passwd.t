#!/usr/bin/perl

# scripts/sluice-passwd, the users file writer: each line it writes is
# checked field by field (the yescrypt hash against the password with its
# own salt, the HA1s against MD5 and SHA-256 of user:realm:password); the
# other lines of the file are kept byte for byte, a bad name, realm or
# group is refused without touching the file, and the file is replaced
# atomically with its mode kept.  No server is started.

use strict;
use warnings;

use Test::More;
use File::Temp qw/tempdir/;
use Digest::MD5 qw/md5_hex/;
use Digest::SHA qw/sha256_hex/;

my $script = 'scripts/sluice-passwd';
my $dir = tempdir('sluice-passwd-XXXXXX', TMPDIR => 1,
                  CLEANUP => !$ENV{TEST_SLUICE_LEAVE});
my $file = "$dir/users";

# runs the script with the password on stdin: exit code, stdout + stderr
sub passwd {
    my ($password, @args) = @_;

    my $in = "$dir/stdin";
    open my $fh, '>', $in or die "$in: $!";
    print $fh $password if defined $password;
    close $fh;

    my $out = `$script @{[ map { shell_quote($_) } @args ]} < $in 2>&1`;
    return ($? >> 8, $out);
}

sub shell_quote {
    my ($s) = @_;
    $s =~ s/'/'\\''/g;
    return "'$s'";
}

sub slurp {
    my ($name) = @_;
    open my $fh, '<', $name or die "$name: $!";
    local $/;
    return scalar <$fh>;
}

# the line of user in the file, split into its five fields
sub fields {
    my ($user) = @_;
    my @lines = grep { /^\Q$user\E:/ } split /\n/, slurp($file);
    return unless @lines == 1;
    return split /:/, $lines[0], -1;
}

# a line is right for user, password, groups and realm (undef: none)
sub line_ok {
    my ($user, $password, $groups, $realm, $basic, $name) = @_;
    my @f = fields($user);

    subtest $name => sub {
        is(scalar @f, 5, 'five fields') or return;
        is($f[0], $user, 'name');

        if ($basic) {
            like($f[1], qr{^\$y\$j9T\$[./0-9A-Za-z]{22}\$[./0-9A-Za-z]{43}$},
                 'yescrypt hash');
            is(crypt($password, $f[1]), $f[1], 'hash of the password');
            isnt(crypt("$password.", $f[1]), $f[1], 'not of another');
        } else {
            is($f[1], '', 'no Basic hash');
        }

        is($f[2], $groups, 'groups');

        if (defined $realm) {
            is($f[3], $realm, 'realm');
            is($f[4], 'md5=' . md5_hex("$user:$realm:$password")
                      . ',sha256=' . sha256_hex("$user:$realm:$password"),
               'HA1s');
        } else {
            is($f[3], '', 'no realm');
            is($f[4], '', 'no HA1s');
        }
    };
}

my ($rc, $out);

# a new file

($rc, $out) = passwd("correct horse\n", '--stdin', '--groups',
                     'staff,editors', $file, 'alice');
is($rc, 0, 'alice added') or diag($out);
like($out, qr/added "alice"/, 'says added');
line_ok('alice', 'correct horse', 'staff,editors', 'Sluice', 1,
        'alice: yescrypt, groups, default realm');
is((stat $file)[2] & 07777, 0600, 'a new file is 0600');

# RFC 7616 §3.9.1's example: the responses computed from the stored HA1s
# are the RFC's own
($rc, $out) = passwd("Circle of Life\n", '--stdin', '--realm',
                     'http-auth@example.org', $file, 'Mufasa');
is($rc, 0, 'Mufasa added') or diag($out);

my %ha1 = map { split /=/ } split /,/, (fields('Mufasa'))[4];
my $rest = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:'
    . 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:';
is(md5_hex("$ha1{md5}:$rest" . md5_hex('GET:/dir/index.html')),
   '8ca523f5e9506fed4657c9700eebdbec', 'RFC 7616 MD5 response');
is(sha256_hex("$ha1{sha256}:$rest" . sha256_hex('GET:/dir/index.html')),
   '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
   'RFC 7616 SHA-256 response');

# more users and a comment, then the file as it stands

($rc, $out) = passwd('no newline', '--stdin', '--realm', 'Media Server',
                     '--no-basic', $file, 'bob');
is($rc, 0, 'bob added') or diag($out);
line_ok('bob', 'no newline', '', 'Media Server', 0,
        'bob: Digest only, a realm with a space, no LF after the password');

($rc, $out) = passwd("p:w \x{e9}\r\n", '--stdin', '--no-digest', '--groups',
                     'g1', $file, 'carol');
is($rc, 0, 'carol added') or diag($out);
line_ok('carol', "p:w \x{e9}", 'g1', undef, 1,
        'carol: Basic only, ":" and a Latin-1 byte in the password, CR cut');

open my $fh, '>>', $file or die;
print $fh "\n# a comment\n  dave:::Sluice:md5=" . md5_hex('x') . "\n";
close $fh;
chmod 0640, $file or die;

my $before = slurp($file);

# replacing: the line stays in its place, groups kept, others untouched

my ($old_hash) = (fields('alice'))[1];

($rc, $out) = passwd("battery staple\n", '--stdin', $file, 'alice');
is($rc, 0, 'alice replaced') or diag($out);
like($out, qr/replaced "alice"/, 'says replaced');
line_ok('alice', 'battery staple', 'staff,editors', 'Sluice', 1,
        'alice: new password, groups kept');
isnt((fields('alice'))[1], $old_hash, 'a new hash');
isnt(crypt('correct horse', (fields('alice'))[1]), (fields('alice'))[1],
     'the old password no longer matches');

my $after = slurp($file);
my @b = split /\n/, $before;
my @a = split /\n/, $after;
is(scalar @a, scalar @b, 'as many lines');
like($a[0], qr/^alice:/, 'alice still first');
is_deeply([@a[1 .. $#a]], [@b[1 .. $#b]], 'every other line kept');
is((stat $file)[2] & 07777, 0640, 'the mode kept');

# an indented user is found too; --groups "" empties the groups

($rc, $out) = passwd("d\n", '--stdin', '--groups', '', $file, 'dave');
is($rc, 0, 'dave replaced') or diag($out);
line_ok('dave', 'd', '', 'Sluice', 1, 'dave: was indented');
unlike(slurp($file), qr/^\s+dave/m, 'the indented line replaced');

# a name that only starts like another is another user

($rc, $out) = passwd("x\n", '--stdin', $file, 'al');
is($rc, 0, 'al added') or diag($out);
ok(scalar(fields('alice')) == 5 && scalar(fields('al')) == 5,
   'al and alice both there');

# refused, the file unchanged

$before = slurp($file);

for my $case (
    [['--stdin', $file, 'a b'], "x\n", 'invalid user name "a b"'],
    [['--stdin', $file, 'a:b'], "x\n", 'invalid user name "a:b"'],
    [['--stdin', $file, '#a'], "x\n", 'may not start with "#"'],
    [['--stdin', $file, 'x' x 129], "x\n", 'invalid user name'],
    [['--stdin', $file, ''], "x\n", 'empty user name'],
    [['--stdin', '--realm', 'a"b', $file, 'e'], "x\n", 'invalid realm'],
    [['--stdin', '--realm', 'a:b', $file, 'e'], "x\n", 'invalid realm'],
    [['--stdin', '--realm', 'Sluice ', $file, 'e'], "x\n",
     'invalid realm'],
    [['--stdin', '--groups', 'a,,b', $file, 'e'], "x\n",
     'empty group name'],
    [['--stdin', '--groups', 'a,', $file, 'e'], "x\n", 'empty group name'],
    [['--stdin', '--groups', 'a@b', $file, 'e'], "x\n",
     'invalid group name "a@b"'],
    [['--stdin', '--groups', 'a,b,a', $file, 'e'], "x\n",
     'duplicate group "a"'],
    [['--stdin', $file, 'e'], "\n", 'empty password'],
    [['--stdin', $file, 'e'], '', 'no password'],
    [['--stdin', $file, 'e'], 'p' x 512 . "\n", 'longer than 511'],
    [[$file, 'e'], "x\nx\n", 'not a terminal'],
    [['--stdin', '--no-basic', '--no-digest', $file, 'e'], "x\n",
     'could not log in'],
    [['--delete', $file, 'nobody'], '', 'no user "nobody"'],
    [['--stdin', $file], "x\n", 'usage'],
    [['--bogus', $file, 'e'], "x\n", 'unknown option "--bogus"'],
) {
    my ($args, $in, $text) = @$case;
    ($rc, $out) = passwd($in, @$args);
    ok($rc == 2 && index($out, $text) >= 0, "refused: $text")
        or diag("rc $rc: $out");
}

is(slurp($file), $before, 'the file unchanged by refusals');

# --delete

($rc, $out) = passwd(undef, '--delete', $file, 'bob');
is($rc, 0, 'bob deleted') or diag($out);
is(scalar(() = fields('bob')), 0, 'bob gone');
is(scalar(grep { !/^bob:/ } split /\n/, $before),
   scalar(split /\n/, slurp($file)), 'only his line');

# two runs, two salts

passwd("same\n", '--stdin', $file, 'f1');
passwd("same\n", '--stdin', $file, 'f2');
isnt((fields('f1'))[1] =~ s/^(\$y\$j9T\$[^\$]+).*/$1/r,
     (fields('f2'))[1] =~ s/^(\$y\$j9T\$[^\$]+).*/$1/r, 'random salts');

# through a symbolic link: the file it names is replaced, the link stays

symlink($file, "$dir/link") or die;
($rc, $out) = passwd("l\n", '--stdin', "$dir/link", 'linked');
is($rc, 0, 'added through a link') or diag($out);
ok(-l "$dir/link", 'still a link');
is(scalar(fields('linked')), 5, 'the user in the file');

# on a terminal: asked twice, without echo once asked

SKIP: {
    skip('no script(1)', 3)
        unless system('sh', '-c', 'command -v script > /dev/null') == 0;

    my $cmd = "$script $file tty";
    $out = `printf 'tty pass\\ntty pass\\n' | script -qec '$cmd' /dev/null`;
    is($? >> 8, 0, 'added on a terminal') or diag($out);
    line_ok('tty', 'tty pass', '', 'Sluice', 1, 'tty: the password typed');

    $out = `printf 'one\\ntwo\\n' | script -qec '$script $file tty2' /dev/null`;
    like($out, qr/passwords differ/, 'two different passwords refused');
}

# no temporary file left behind

opendir my $dh, $dir or die;
is_deeply([sort grep { /^\./ && !/^\.\.?$/ } readdir $dh], [],
          'no temporary file left');
closedir $dh;

done_testing();
