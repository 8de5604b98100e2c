package Sluice;

# Integration test harness for Sluice.
#
# Each test creates one or more Sluice objects; each object owns a fresh
# temporary prefix (conf/, logs/), a config written from a heredoc with
# %%TESTDIR%% and %%PORT_n%% rewritten to locked free ports, and at most one
# running server.  At the end of the test file every server is stopped and one
# extra TAP test checks every error log for [alert], [crit] and [emerg] lines
# the test did not declare expected, and the prefix for sanitizer reports.
#
# Environment:
#   TEST_SLUICE_BINARY   the binary (default: objs/sluice, then ../objs/sluice)
#   TEST_SLUICE_STRICT   a missing module or client program fails, not skips
#   TEST_SLUICE_LEAVE    keep the temporary prefix
#   TEST_SLUICE_CATLOG   print the error log at the end
#   TEST_SLUICE_VERBOSE  print the commands run

use strict;
use warnings;

use Exporter qw/import/;
use Fcntl qw/:DEFAULT :flock/;
use File::Spec;
use File::Temp qw/tempdir/;
use IO::Socket::IP;
use POSIX qw/WNOHANG :sys_wait_h/;
use Scalar::Util qw/weaken/;
use Socket qw/SOL_SOCKET SO_REUSEADDR/;
use Test::More ();
use Time::HiRes qw/sleep time/;

our @EXPORT_OK = qw/port proc_children proc_state cpus_allowed/;

our $BINARY = find_binary();
our $PORT_LOCK_DIR = "/tmp/sluice-test-ports";

my @instances;          # weak references to every Sluice object of this process
my @findings;           # teardown problems of destroyed instances
my $teardown_planned;   # the plan counts the teardown test
my $teardown_done;      # the teardown test has been emitted
my $creator = $$;
my %v_output;           # cached `sluice -V` output per binary

###############################################################################
# construction and the test plan

sub new {
    my ($class, %opts) = @_;

    my $self = bless {
        _pid => $$,
        _ports => {},
        _locks => [],
        _expected => [],
        _checked => 0,
        _server_pid => undef,
        pid_file => 'logs/sluice.pid',
        %opts,
    }, $class;

    $self->{_testdir} = tempdir('sluice-test-XXXXXXXX', TMPDIR => 1,
                                CLEANUP => !$ENV{TEST_SLUICE_LEAVE});
    mkdir "$self->{_testdir}/$_" or die "mkdir $_: $!" for qw/conf logs/;
    # workers may run as another user (the "user" directive): let them
    # write their sanitizer reports into the prefix
    chmod 01777, $self->{_testdir};

    push @instances, $self;
    _subreaper() if @instances == 1;
    weaken($instances[-1]);

    if ($ENV{TEST_SLUICE_LEAVE}) {
        Test::More::diag("test prefix: $self->{_testdir}");
    }

    return $self;
}

sub testdir { $_[0]->{_testdir} }
sub binary { $BINARY }

# Plans N tests plus the teardown test that checks logs and sanitizer reports.
sub plan {
    my ($self, $n) = @_;
    Test::More::plan(tests => $n + 1);
    $teardown_planned = 1;
    return $self;
}

# Ends a test file that uses done_testing: stops every server, emits the
# teardown test, then calls done_testing.
sub done_testing {
    my ($self) = @_;
    _teardown_all();
    _emit_teardown_test();
    Test::More::done_testing();
}

# Declares [alert]/[crit]/[emerg] log lines matching RE as expected.
sub expect_errors {
    my ($self, @re) = @_;
    push @{$self->{_expected}}, @re;
    return $self;
}

###############################################################################
# skipping: modules and client programs

sub find_binary {
    return File::Spec->rel2abs($ENV{TEST_SLUICE_BINARY})
        if defined $ENV{TEST_SLUICE_BINARY};
    for my $p ('objs/sluice', '../objs/sluice') {
        return File::Spec->rel2abs($p) if -x $p;
    }
    return File::Spec->rel2abs('objs/sluice');
}

# Skips the whole test (or fails it under TEST_SLUICE_STRICT).
sub _missing {
    my ($self, $what) = @_;

    if (!$ENV{TEST_SLUICE_STRICT}) {
        Test::More::plan(skip_all => $what);
    }

    my $tb = Test::More->builder;
    $tb->plan(tests => 1) unless $tb->has_plan;
    $tb->ok(0, "required: $what (TEST_SLUICE_STRICT)");
    $teardown_done = 1;
    exit 1;
}

# Skips the test for a missing requirement WHAT (fails under
# TEST_SLUICE_STRICT); for requirements has() and has_program() do not cover.
sub missing {
    my ($self, $what) = @_;
    $self->_missing($what);
}

sub version_output {
    my ($self) = @_;
    return $v_output{$BINARY} if defined $v_output{$BINARY};
    return '' unless -x $BINARY;
    my $r = $self->run_cmd([$BINARY, '-V']);
    $v_output{$BINARY} = $r->{out} . $r->{err};
    return $v_output{$BINARY};
}

# Skips unless every named module directory is compiled in ("modules:" line
# of `sluice -V`).
sub has {
    my ($self, @modules) = @_;

    $self->_missing("no binary $BINARY (set TEST_SLUICE_BINARY)")
        unless -x $BINARY;

    my ($line) = $self->version_output() =~ /^modules:\s*(.*)$/m;
    $self->_missing("no \"modules:\" line in $BINARY -V") unless defined $line;
    my %have = map { $_ => 1 } split /[\s,]+/, $line;

    for my $m (@modules) {
        $self->_missing("module $m not compiled in") unless $have{$m};
    }
    return $self;
}

# Skips unless every named program is in PATH; under TEST_SLUICE_STRICT a
# missing program fails the test.
sub has_program {
    my ($self, @programs) = @_;
    for my $p (@programs) {
        $self->_missing("program $p not found") unless _which($p);
    }
    return $self;
}

sub _which {
    my ($p) = @_;
    return $p if $p =~ m{/} && -x $p;
    for my $d (split /:/, $ENV{PATH} // '') {
        return "$d/$p" if -x "$d/$p" && !-d "$d/$p";
    }
    return undef;
}

###############################################################################
# files and ports

sub write_file {
    my ($self, $name, $content) = @_;
    my $path = $self->path($name);
    my ($dir) = $path =~ m{^(.*)/[^/]*$};
    _mkpath($dir);
    open my $fh, '>', $path or die "open $path: $!";
    binmode $fh;
    print $fh $content;
    close $fh or die "close $path: $!";
    return $path;
}

# Writes NAME under conf/ (unless NAME has a directory part) after rewriting
# %%TESTDIR%% and %%PORT_n%%.
sub write_file_expand {
    my ($self, $name, $content) = @_;
    $content =~ s/%%TESTDIR%%/$self->{_testdir}/g;
    $content =~ s/%%PORT_(\d+)%%/$self->port($1)/ge;
    $name = "conf/$name" unless $name =~ m{/};
    return $self->write_file($name, $content);
}

# Absolute path of NAME relative to the prefix.
sub path {
    my ($self, $name) = @_;
    return $name if $name =~ m{^/};
    return "$self->{_testdir}/$name";
}

sub read_file {
    my ($self, $name) = @_;
    my $path = $self->path($name);
    open my $fh, '<', $path or return undef;
    binmode $fh;
    local $/;
    my $content = <$fh>;
    close $fh;
    return $content // '';
}

sub errlog {
    my ($self) = @_;
    return $self->read_file('logs/error.log') // '';
}

sub _mkpath {
    my ($dir) = @_;
    return if -d $dir;
    my ($parent) = $dir =~ m{^(.*)/[^/]*$};
    _mkpath($parent) if defined $parent && length $parent;
    mkdir $dir or -d $dir or die "mkdir $dir: $!";
}

# A free TCP port for key N (any number: an index or a nominal port such as
# 8554), the same one on every call with the same N.  The port is locked with
# flock on /tmp/sluice-test-ports/P for the life of this process, so parallel
# tests never pick the same one.
sub port {
    my ($self, $n) = @_;

    if (!ref $self) {
        # called as a function: use the first instance of this process
        ($n, $self) = ($self, (grep { defined } @instances)[0]);
        die "port() needs a Sluice object" unless $self;
    }

    return $self->{_ports}{$n} if exists $self->{_ports}{$n};

    if (!-d $PORT_LOCK_DIR) {
        mkdir $PORT_LOCK_DIR;
        chmod 01777, $PORT_LOCK_DIR;
    }

    my %used = map { $_ => 1 } values %{$self->{_ports}};

    for (1 .. 2000) {
        # below the default ephemeral range (32768-60999)
        my $p = 10000 + int(rand(22000));
        next if $used{$p};

        sysopen my $lock, "$PORT_LOCK_DIR/$p", O_RDWR | O_CREAT, 0666
            or next;
        if (!flock($lock, LOCK_EX | LOCK_NB)) {
            close $lock;
            next;
        }
        if (!_port_free($p)) {
            close $lock;
            next;
        }
        push @{$self->{_locks}}, $lock;
        return $self->{_ports}{$n} = $p;
    }

    die "no free port found";
}

sub _port_free {
    my ($p) = @_;

    my $s4 = IO::Socket::IP->new(LocalHost => '0.0.0.0', LocalPort => $p,
                                 Proto => 'tcp', ReuseAddr => 1, Listen => 1)
        or return 0;
    my $u4 = IO::Socket::IP->new(LocalHost => '0.0.0.0', LocalPort => $p,
                                 Proto => 'udp')
        or return 0;

    if (-e '/proc/net/if_inet6') {
        my $s6 = IO::Socket::IP->new(LocalHost => '::', LocalPort => $p,
                                     Proto => 'tcp', ReuseAddr => 1,
                                     Listen => 1, V6Only => 1)
            or return 0;
    }
    return 1;
}

###############################################################################
# running commands

# Runs ARGV (array ref) with the sanitizer environment, stdin from /dev/null,
# stdout and stderr captured; kills it after TIMEOUT seconds (default 30).
# Returns { code => exit code or undef, signal => n or 0, out, err, timeout }.
sub run_cmd {
    my ($self, $argv, %opts) = @_;
    my $timeout = $opts{timeout} // 30;

    my $tmp = $self->{_testdir} // tempdir(CLEANUP => 1);
    my $n = ++$self->{_cmd_n};
    # the pid too: children of a test may run commands at the same time
    my ($out, $err) = ("$tmp/cmd$$.$n.out", "$tmp/cmd$$.$n.err");

    _note_cmd(@$argv);

    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        $self->_sanitizer_env();
        chdir $opts{cwd} or POSIX::_exit(127) if defined $opts{cwd};
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out or POSIX::_exit(127);
        open STDERR, '>', $err or POSIX::_exit(127);
        { no warnings "exec"; exec { $argv->[0] } @$argv; }
        POSIX::_exit(127);
    }
    $self->{_cmds}{$pid} = join ' ',
        map { length > 80 ? substr($_, 0, 80) . '...' : $_ } @$argv;

    my $deadline = time() + $timeout;
    my $timed_out = 0;
    while (waitpid($pid, WNOHANG) == 0) {
        if (time() > $deadline) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            $timed_out = 1;
            last;
        }
        sleep 0.01;
    }
    my $status = $?;

    my %r = (
        code => WIFEXITED($status) ? WEXITSTATUS($status) : undef,
        signal => WIFSIGNALED($status) ? WTERMSIG($status) : 0,
        timeout => $timed_out,
        out => $self->read_file($out) // '',
        err => $self->read_file($err) // '',
    );
    unlink $out, $err;
    return \%r;
}

# Starts ARGV in the background (an encoder pushing while the test plays);
# returns a handle for stop_cmd.  It is killed at teardown if still running.
sub start_cmd {
    my ($self, $argv, %opts) = @_;

    my $n = ++$self->{_cmd_n};
    my $tmp = $self->{_testdir};
    my ($out, $err) = ("$tmp/bg$$.$n.out", "$tmp/bg$$.$n.err");

    _note_cmd(@$argv);

    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        $self->_sanitizer_env();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out or POSIX::_exit(127);
        open STDERR, '>', $err or POSIX::_exit(127);
        { no warnings "exec"; exec { $argv->[0] } @$argv; }
        POSIX::_exit(127);
    }
    $self->{_cmds}{$pid} = join ' ',
        map { length > 80 ? substr($_, 0, 80) . '...' : $_ } @$argv;
    push @{$self->{_bg}}, $pid;
    return { pid => $pid, out => $out, err => $err };
}

# True while a start_cmd process runs.
sub cmd_running {
    my ($self, $h) = @_;
    return waitpid($h->{pid}, WNOHANG) == 0;
}

# Stops a start_cmd process (SIGNAL, default TERM; KILL after 5 s) and
# returns { code, signal, out, err } like run_cmd.
sub stop_cmd {
    my ($self, $h, $sig) = @_;
    my $status;
    if (waitpid($h->{pid}, WNOHANG) == 0) {
        kill $sig // 'TERM', $h->{pid};
        my $deadline = time() + 5;
        while (waitpid($h->{pid}, WNOHANG) == 0) {
            if (time() > $deadline) {
                kill 'KILL', $h->{pid};
                waitpid($h->{pid}, 0);
                last;
            }
            sleep 0.02;
        }
    }
    $status = $?;
    @{$self->{_bg}} = grep { $_ != $h->{pid} } @{$self->{_bg}};
    my %r = (
        code => WIFEXITED($status) ? WEXITSTATUS($status) : undef,
        signal => WIFSIGNALED($status) ? WTERMSIG($status) : 0,
        out => $self->read_file($h->{out}) // '',
        err => $self->read_file($h->{err}) // '',
    );
    unlink $h->{out}, $h->{err};
    return \%r;
}

# Runs the binary with -p PREFIX/ and ARGS.
sub sluice {
    my ($self, @args) = @_;
    my %opts = ref $args[-1] eq 'HASH' ? %{pop @args} : ();
    return $self->run_cmd([$BINARY, '-p', "$self->{_testdir}/", @args], %opts);
}

sub _note_cmd {
    Test::More::diag('$ ' . join(' ', map { /[\s'"]/ ? "'$_'" : $_ } @_))
        if $ENV{TEST_SLUICE_VERBOSE};
}

sub _sanitizer_env {
    my ($self) = @_;
    my $d = $self->{_testdir};
    $ENV{ASAN_OPTIONS} = "log_path=$d/asan:detect_leaks=1:abort_on_error=0";
    $ENV{UBSAN_OPTIONS} = "print_stacktrace=1:log_path=$d/ubsan";
    $ENV{LSAN_OPTIONS} //= '';
}

###############################################################################
# the server

sub conf_path { $_[0]->path('conf/sluice.conf') }

# Starts the server in the foreground (-g 'daemon off;' unless the config sets
# daemon itself), waits until the pid file names a live master, every listen
# address of the config accepts connections and (unless master_process off)
# at least one worker runs.
#
# Options: globals => 'directives;' (extra -g), args => [...] (extra
# arguments), workers => N (wait for exactly N workers), timeout => seconds.
sub run {
    my ($self, %opts) = @_;

    $self->has() unless -x $BINARY;

    my $conf = $self->read_file('conf/sluice.conf')
        // die "no conf/sluice.conf written";

    my $globals = $opts{globals} // '';
    my $all_conf = $self->_all_conf();
    $globals = "daemon off;" . (length $globals ? " $globals" : '') unless $all_conf =~ /^\s*daemon\s/m;

    my @argv = ($BINARY, '-p', "$self->{_testdir}/", '-c', $self->conf_path);
    push @argv, '-g', $globals if $globals =~ /\S/;
    push @argv, @{$opts{args} // []};

    unlink $self->path($self->{pid_file});
    _note_cmd(@argv);

    my $stderr = $self->path('logs/stderr');
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        $self->_sanitizer_env();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $stderr or POSIX::_exit(127);
        open STDERR, '>>', $stderr or POSIX::_exit(127);
        { no warnings "exec"; exec { $argv[0] } @argv; }
        POSIX::_exit(127);
    }
    $self->{_server_pid} = $pid;
    $self->{_started} = 1;

    my $timeout = $opts{timeout} // 10;
    my $deadline = time() + $timeout;
    my @addrs = $self->listen_addresses();
    my $want_workers = $opts{workers};
    my $need_workers = $all_conf !~ /^\s*master_process\s+off/m;

    while (1) {
        if ($self->{_server_pid} && waitpid($pid, WNOHANG) == $pid) {
            my $st = $?;
            $self->{_server_pid} = undef;
            $self->{_exit_status} = $st;
            # daemon on: the foreground process exits once daemonized
            if (!($all_conf =~ /^\s*daemon\s+on/m && $st == 0)) {
                Test::More::diag("sluice exited at start (status $st):\n"
                    . ($self->read_file('logs/stderr') // '')
                    . $self->errlog());
                return undef;
            }
        }

        my $ready = 0;
        my $mpid = $self->master_pid();
        if ($mpid && _alive($mpid)) {
            $ready = 1;
            for my $a (@addrs) {
                my $s = IO::Socket::IP->new(PeerHost => $a->[0],
                    PeerPort => $a->[1], Proto => 'tcp', Timeout => 1);
                if (!$s) { $ready = 0; last; }
                close $s;
            }
            if ($ready && $need_workers) {
                my $n = scalar $self->worker_pids();
                $ready = defined $want_workers ? $n == $want_workers : $n > 0;
            }
        }
        last if $ready;

        if (time() > $deadline) {
            Test::More::diag("sluice not ready after ${timeout}s:\n"
                . ($self->read_file('logs/stderr') // '') . $self->errlog());
            return undef;
        }
        sleep 0.02;
    }

    # let every worker reach its event loop
    $self->_wait_workers_stable(0.2, $deadline);
    return $self;
}

sub _all_conf {
    my ($self) = @_;
    my $all = '';
    my @dirs = ($self->path('conf'));
    while (my $d = shift @dirs) {
        opendir my $dh, $d or next;
        for my $f (sort readdir $dh) {
            next if $f =~ /^\./;
            if (-d "$d/$f") { push @dirs, "$d/$f"; next; }
            $all .= ($self->read_file("$d/$f") // '') . "\n";
        }
    }
    return $all;
}

# [host, port] pairs to probe for every listen directive in conf/.
sub listen_addresses {
    my ($self) = @_;
    my (@addrs, %seen);

    my $all = $self->_all_conf();
    $all =~ s/#.*$//mg;

    while ($all =~ /(?:^|[;{}\s])listen\s+([^\s;]+)/g) {
        my $a = $1;
        my ($host, $port);
        if ($a =~ /^\[([^\]]+)\]:(\d+)$/) {
            ($host, $port) = ($1, $2);
        } elsif ($a =~ /^([^:]+):(\d+)$/) {
            ($host, $port) = ($1, $2);
        } elsif ($a =~ /^(\d+)$/) {
            ($host, $port) = ('*', $1);
        } else {
            next;
        }
        $host = '127.0.0.1' if $host eq '*' || $host eq '0.0.0.0';
        $host = '::1' if $host eq '::';
        push @addrs, [$host, $port] unless $seen{"$host $port"}++;
    }
    return @addrs;
}

sub _wait_workers_stable {
    my ($self, $quiet, $deadline) = @_;
    my $last = join ',', $self->worker_pids();
    my $since = time();
    while (time() < $deadline) {
        sleep 0.02;
        my $now = join ',', $self->worker_pids();
        if ($now ne $last) { $last = $now; $since = time(); next; }
        return 1 if time() - $since >= $quiet;
    }
    return 0;
}

# The pid in the pid file, or undef.
sub master_pid {
    my ($self) = @_;
    my $c = $self->read_file($self->{pid_file});
    return undef unless defined $c && $c =~ /^\s*(\d+)/;
    return $1;
}

# Live worker processes of MASTER (default: the current master): its children
# that are not zombies, have no children themselves and are not a master named
# in a pid file (a new master after USR2 is a child of the old one).
sub worker_pids {
    my ($self, $master) = @_;
    $master //= $self->master_pid();
    return () unless $master;

    my %masters;
    for my $f ($self->{pid_file}, "$self->{pid_file}.oldbin") {
        my $c = $self->read_file($f);
        $masters{$1} = 1 if defined $c && $c =~ /^\s*(\d+)/;
    }

    my %children = _children_map();
    my @w = grep {
        !$masters{$_} && !@{$children{$_} // []} && proc_state($_) ne 'Z'
    } @{$children{$master} // []};
    @w = sort { $a <=> $b } @w;
    $self->{_seen_workers}{$_} = 1 for @w;
    return wantarray ? @w : scalar @w;
}

# Live children of PID.
sub proc_children {
    my ($pid) = @_;
    my %children = _children_map();
    return grep { proc_state($_) ne 'Z' } @{$children{$pid} // []};
}

sub _children_map {
    my %children;
    opendir my $dh, '/proc' or return ();
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $st = _proc_stat($p) or next;
        push @{$children{$st->{ppid}}}, $p;
    }
    return %children;
}

sub _proc_stat {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/stat" or return undef;
    my $line = <$fh> // return undef;
    close $fh;
    my $r = rindex($line, ')');
    return undef if $r < 0;
    my @f = split ' ', substr($line, $r + 2);
    return { state => $f[0], ppid => $f[1] };
}

# One-letter process state, '' when the process is gone.
sub proc_state {
    my ($pid) = @_;
    my $st = _proc_stat($pid);
    return $st ? $st->{state} : '';
}

sub _alive {
    my ($pid) = @_;
    my $s = proc_state($pid);
    return $s ne '' && $s ne 'Z' && $s ne 'X';
}

sub alive { my ($self, $pid) = @_; return _alive($pid) }

# The Cpus_allowed_list line of /proc/PID/status.
sub cpus_allowed {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/status" or return undef;
    while (my $l = <$fh>) {
        return $1 if $l =~ /^Cpus_allowed_list:\s*(\S+)/;
    }
    return undef;
}

# Sends SIG to the master (or to PID).
sub signal {
    my ($self, $sig, $pid) = @_;
    $pid //= $self->master_pid();
    return 0 unless $pid;
    Test::More::diag("kill -$sig $pid") if $ENV{TEST_SLUICE_VERBOSE};
    return kill $sig, $pid;
}

# Reaps the process we forked, if it has exited.
sub _reap {
    my ($self) = @_;
    my $p = $self->{_server_pid};
    if ($p && waitpid($p, WNOHANG) == $p) {
        $self->{_exit_status} = $?;
        $self->{_server_pid} = undef;
    }
    # orphans adopted as subreaper (a master started by USR2, workers of a
    # dead master): reap them so that they do not stay zombies
    for my $z (keys %{$self->{_seen_workers} // {}}, $self->master_pid() // ()) {
        waitpid($z, WNOHANG) if proc_state($z) eq 'Z';
    }
}

# Makes this process the reaper of orphaned descendants (Linux
# PR_SET_CHILD_SUBREAPER), so that a master started by USR2 and left by its
# parent is reaped here instead of staying a zombie where pid 1 does not reap.
sub _subreaper {
    my %nr = (x86_64 => 157, aarch64 => 167);
    my ($arch) = (POSIX::uname())[4];
    return unless $^O eq 'linux' && defined $arch && $nr{$arch};
    syscall($nr{$arch}, 36, 1, 0, 0, 0);
}

# Waits until PID (default: the master) has exited; true on success.
sub wait_exit {
    my ($self, $timeout, $pid) = @_;
    $pid //= $self->master_pid() // $self->{_server_pid};
    return 1 unless $pid;
    my $deadline = time() + ($timeout // 10);
    while (time() < $deadline) {
        $self->_reap();
        return 1 unless _alive($pid);
        sleep 0.02;
    }
    $self->_reap();
    return !_alive($pid);
}

# Waits until every pid in the list has exited; true on success.
sub wait_pids_gone {
    my ($self, $timeout, @pids) = @_;
    my $deadline = time() + $timeout;
    while (time() < $deadline) {
        $self->_reap();
        return 1 unless grep { _alive($_) } @pids;
        sleep 0.02;
    }
    return !grep { _alive($_) } @pids;
}

# Sends HUP and waits until a new set of workers is up (pids none of which
# was a worker before).  Returns the new worker pids, or an empty list.
# Options: workers => N (how many new workers to wait for; default the number
# of workers before), timeout => seconds.
sub reload {
    my ($self, %opts) = @_;
    my $master = $self->master_pid() or return ();
    my %old = map { $_ => 1 } $self->worker_pids($master);
    my $want = $opts{workers} // (scalar(keys %old) || 1);

    $self->signal('HUP', $master) or return ();

    my $deadline = time() + ($opts{timeout} // 10);
    while (time() < $deadline) {
        my @new = grep { !$old{$_} } $self->worker_pids($master);
        if (@new >= $want) {
            # give the new workers a moment to reach their event loop
            sleep 0.2;
            return grep { !$old{$_} } $self->worker_pids($master);
        }
        sleep 0.02;
    }
    return ();
}

# Stops the server: QUIT, then TERM after TIMEOUT (default 10 s), then KILL.
# Waits for the masters and their workers to exit.  Workers whose master has
# died are sent TERM and noted as a problem for the teardown check.
sub stop {
    my ($self, %opts) = @_;
    my $timeout = $opts{timeout} // 10;

    my %seen;
    my @masters = grep { defined && _alive($_) && !$seen{$_}++ } (
        $self->master_pid(),
        $self->_pid_from("$self->{pid_file}.oldbin"),
        $self->{_server_pid},
    );
    my @workers = map { $self->worker_pids($_) } @masters;

    kill 'QUIT', @masters if @masters;

    my $deadline = time() + $timeout;
    my $orphans_signalled = 0;
    while (time() < $deadline) {
        $self->_reap();
        my @strays = $self->_strays();
        last unless grep({ _alive($_) } @masters, @workers) || @strays;

        if (!grep({ _alive($_) } @masters) && @strays && !$orphans_signalled++) {
            Test::More::diag("workers left without a master: @strays, TERM");
            push @{$self->{_stop_problems}},
                "workers left without a master: @strays";
            kill 'TERM', @strays;
            push @workers, @strays;
        }
        sleep 0.02;
    }

    my @all = (@masters, @workers, $self->_strays());
    if (!grep { _alive($_) } @all) {
        waitpid($_, WNOHANG) for @all;
        return 1;
    }

    Test::More::diag("sluice did not exit on QUIT in ${timeout}s, TERM");
    kill 'TERM', grep { _alive($_) } @all;
    if ($self->wait_pids_gone(5, @all)) {
        waitpid($_, WNOHANG) for @all;
        return 0;
    }

    Test::More::diag("sluice did not exit on TERM, KILL");
    $self->{_killed} = 1;
    kill 'KILL', grep { _alive($_) } @all;
    $self->wait_pids_gone(5, @all);
    waitpid($_, WNOHANG) for @all;
    return 0;
}

# Live processes once seen as workers of this prefix's masters.
sub _strays {
    my ($self) = @_;
    my @p;
    for my $pid (sort keys %{$self->{_seen_workers} // {}}) {
        next unless _alive($pid);
        open my $fh, '<', "/proc/$pid/cmdline" or next;
        my $cmd = do { local $/; <$fh> } // '';
        push @p, $pid if index($cmd, $self->{_testdir}) >= 0;
    }
    return @p;
}

sub _pid_from {
    my ($self, $f) = @_;
    my $c = $self->read_file($f);
    return defined $c && $c =~ /^\s*(\d+)/ ? $1 : undef;
}

###############################################################################
# logs

# Current size of a log file (default logs/error.log), to pass to wait_log.
sub log_offset {
    my ($self, $file) = @_;
    return -s $self->path($file // 'logs/error.log') // 0;
}

# Waits until a line matching RE appears in the error log (after byte OFFSET,
# in FILE); returns the first such line or undef after TIMEOUT (default 5 s).
sub wait_log {
    my ($self, $re, $timeout, $offset, $file) = @_;
    my $deadline = time() + ($timeout // 5);
    $file //= 'logs/error.log';
    while (1) {
        my $c = $self->read_file($file) // '';
        $c = substr($c, $offset) if $offset && length($c) >= $offset;
        for my $line (split /\n/, $c) {
            return $line if $line =~ $re;
        }
        return undef if time() > $deadline;
        sleep 0.05;
    }
}

###############################################################################
# teardown

# Stops the server and returns a list of problems: unexpected alert/crit/emerg
# log lines and sanitizer reports.  Runs once per instance.
sub teardown {
    my ($self) = @_;
    return () if $self->{_checked}++;

    for my $pid (@{$self->{_bg} // []}) {
        kill 'KILL', $pid;
        waitpid($pid, 0);
    }

    $self->stop() if $self->{_started};
    $self->_reap();

    my @problems;
    my $d = $self->{_testdir};

    my $st = $self->{_exit_status};
    if (defined $st && WIFSIGNALED($st) && !$self->{_killed}) {
        push @{$self->{_stop_problems}},
            'sluice master exited on signal ' . WTERMSIG($st);
    }
    for my $p (@{$self->{_stop_problems} // []}) {
        push @problems, $p unless grep { $p =~ $_ } @{$self->{_expected}};
    }

    opendir my $dh, "$d/logs" or return ();
    my @logs = sort grep { !/^\./ && -f "$d/logs/$_" } readdir $dh;

    for my $f (@logs) {
        next if $f =~ /\.pid/;
        my $c = $self->read_file("logs/$f") // '';
        if ($ENV{TEST_SLUICE_CATLOG}) {
            Test::More::diag("--- logs/$f:\n$c");
        }
        for my $line (split /\n/, $c) {
            next unless $line =~ /\[(alert|crit|emerg)\]/;
            next if grep { $line =~ $_ } @{$self->{_expected}};
            push @problems, "logs/$f: $line";
        }
    }

    opendir $dh, $d or return @problems;
    # the first report of each kind in full, the others by name
    my %kinds;
    for my $f (sort grep { /^(asan|ubsan)\./ } readdir $dh) {
        my $c = $self->read_file($f) // '';
        my ($pid) = $f =~ /\.(\d+)$/;
        my $who = defined $pid && $self->{_cmds}{$pid}
            ? "from: $self->{_cmds}{$pid}" : 'from the server';
        my ($kind) = $c =~ /^(SUMMARY: .*)$/m;
        $kind //= (split /\n/, $c)[0] // '';
        if ($kinds{$kind}++) {
            push @problems, "sanitizer report $f ($who): $kind";
            next;
        }
        $c = substr($c, 0, 8000) . "\n..." if length $c > 8000;
        push @problems, "sanitizer report $f ($who):\n$c";
    }

    if (@problems && $ENV{TEST_SLUICE_LEAVE}) {
        push @problems, "(prefix left in $d)";
    }
    return @problems;
}

sub _teardown_all {
    for my $t (grep { defined } @instances) {
        next if $t->{_pid} != $$;
        push @findings, $t->teardown();
    }
}

sub _emit_teardown_test {
    return if $teardown_done++;
    Test::More::ok(!@findings, 'no unexpected alerts and no sanitizer reports')
        or Test::More::diag(join "\n", @findings);
}

sub DESTROY {
    my ($self) = @_;
    return if !$self->{_pid} || $self->{_pid} != $$;
    local ($?, $!, $@);
    push @findings, $self->teardown();
}

END {
    if ($$ == $creator) {
        local $?;
        _teardown_all();
        _emit_teardown_test() if $teardown_planned;
    }
}

1;
