# fish completion for mptcpctl, generated from its command tree by `mptcpctl completion fish`.
# Use: copy it to ~/.config/fish/completions/mptcpctl.fish (or source it).
set -g __mptcpctl_objects endpoint limits monitor help announce remove subflow connection status completion stats exporter config
set -g __mptcpctl_events created established closed announced removed sf_established sf_closed sf_prio listener_created listener_closed

function __mptcpctl_verbs
    switch $argv[1]
        case 'endpoint'
            echo add change delete show flush
        case 'limits'
            echo set show
        case 'subflow'
            echo create destroy show
        case 'connection'
            echo show explain
        case 'config'
            echo show diff apply try confirm follow
    end
end

function __mptcpctl_implicit
    switch $argv[1]
        case 'subflow'
            echo show
        case 'connection'
            echo show
    end
end

function __mptcpctl_alias
    switch $argv[1]
        case 'conn'
            echo connection
    end
end

function __mptcpctl_keywords
    switch $argv[1]
        case 'endpoint add'
            echo dev id port signal subflow backup fullmesh laminar
        case 'endpoint change'
            echo id port backup nobackup fullmesh nofullmesh token remote
        case 'endpoint delete'
            echo id
        case 'endpoint show'
            echo id token --check
        case 'limits set'
            echo subflows add_addr_accepted
        case 'help '
            echo endpoint limits announce remove status subflow connection config monitor stats exporter completion
        case 'announce '
            echo id token port dev
        case 'remove '
            echo id token
        case 'subflow create'
            echo token local id port dev remote backup
        case 'subflow destroy'
            echo token local port remote
        case 'subflow show'
            echo token src dst sport dport dev
        case 'connection show'
            echo token src dst sport dport dev
        case 'connection explain'
            echo token dst src
        case 'completion '
            echo bash zsh fish
        case 'config apply'
            echo --dry-run
        case 'config try'
            echo --timeout
        case 'config follow'
            echo --once --resync
    end
end

function __mptcpctl_value
    switch $argv[1]
        case '-n'
            echo netns
        case '--netns'
            echo netns
        case '--format'
            echo choices auto text table json
        case '-c'
            echo choices auto always never
        case '--color'
            echo choices auto always never
        case '-b'
            echo file
        case '--batch'
            echo file
        case 'endpoint add dev'
            echo devs
        case 'endpoint add id'
            echo none
        case 'endpoint add port'
            echo none
        case 'endpoint change id'
            echo ids
        case 'endpoint change port'
            echo none
        case 'endpoint change token'
            echo tokens
        case 'endpoint change remote'
            echo none
        case 'endpoint delete id'
            echo ids
        case 'endpoint show id'
            echo ids
        case 'endpoint show token'
            echo tokens
        case 'limits set subflows'
            echo none
        case 'limits set add_addr_accepted'
            echo none
        case '--event'
            echo events
        case '--token'
            echo tokens
        case '--count'
            echo none
        case '--timeout'
            echo none
        case '--rcvbuf'
            echo none
        case '--ready-fd'
            echo none
        case 'announce  id'
            echo none
        case 'announce  token'
            echo tokens
        case 'announce  port'
            echo none
        case 'announce  dev'
            echo devs
        case 'remove  id'
            echo none
        case 'remove  token'
            echo tokens
        case 'subflow create token'
            echo tokens
        case 'subflow create local'
            echo none
        case 'subflow create id'
            echo none
        case 'subflow create port'
            echo none
        case 'subflow create dev'
            echo devs
        case 'subflow create remote'
            echo none
        case 'subflow destroy token'
            echo tokens
        case 'subflow destroy local'
            echo none
        case 'subflow destroy port'
            echo none
        case 'subflow destroy remote'
            echo none
        case 'subflow show token'
            echo tokens
        case 'subflow show src'
            echo none
        case 'subflow show dst'
            echo none
        case 'subflow show sport'
            echo none
        case 'subflow show dport'
            echo none
        case 'subflow show dev'
            echo devs
        case 'connection show token'
            echo tokens
        case 'connection show src'
            echo none
        case 'connection show dst'
            echo none
        case 'connection show sport'
            echo none
        case 'connection show dport'
            echo none
        case 'connection show dev'
            echo devs
        case 'connection explain token'
            echo tokens
        case 'connection explain dst'
            echo none
        case 'connection explain src'
            echo none
        case '--delta'
            echo none
        case '--watch'
            echo none
        case '--output'
            echo none
        case '--listen'
            echo none
        case '--max-connections'
            echo none
        case '--max-age'
            echo none
        case 'config try --timeout'
            echo none
        case 'config follow --resync'
            echo none
    end
end

function __mptcpctl_describe
    switch $argv[1]
        case objects
            printf '%s\n' 'endpoint	in-kernel path-manager endpoints (same grammar and output as `ip mptcp endpoint`' 'limits	in-kernel path-manager limits (same grammar and output as `ip mptcp limits`)' 'monitor	print path-manager events as they happen (same lines as `ip mptcp monitor` of ip' 'help	help on an object' 'announce	userspace PM: announce a local address to the peer of one connection (ADD_ADDR)' 'remove	userspace PM: withdraw a local address from one connection (RM_ADDR) and close i' 'subflow	userspace PM: open and close subflows of one connection; list live subflows' 'connection	live MPTCP connections (from socket diagnostics, as `ss -M`)' 'status	the namespace\'s MPTCP state, what the kernel supports, and warnings for what is ' 'completion	print the shell completion script for bash, zsh or fish' 'stats	the namespace\'s MPTCP counters (MPTcpExt in /proc/net/netstat), grouped, each wi' 'exporter	serve Prometheus metrics over HTTP (/metrics, /healthz) until SIGTERM' 'config	desired state: show, plan, apply (all or nothing), try, and follow a YAML file'
        case 'verbs endpoint'
            printf '%s\n' 'add	add an endpoint to the in-kernel path manager' 'change	change an endpoint\'s backup/fullmesh flags, or (with a token) a userspace-PM sub' 'delete	delete an endpoint (id 0 ADDRESS: close the initial subflows using ADDRESS)' 'show	list endpoints (or one by id); with a token, the local addresses of a userspace-' 'flush	delete every endpoint'
        case 'verbs limits'
            printf '%s\n' 'set	set the limits (each 0..8); values not given are unchanged' 'show	show the limits'
        case 'verbs subflow'
            printf '%s\n' 'create	userspace PM: open a new subflow of one connection (MP_JOIN)' 'destroy	userspace PM: close one subflow of a connection' 'show	list live subflows with their MPTCP state (ids, tokens, flags, sequence numbers)'
        case 'verbs connection'
            printf '%s\n' 'show	list live MPTCP connections (listeners included)' 'explain	for each connection, every path it could have (endpoint x peer address): the sub'
        case 'verbs config'
            printf '%s\n' 'show	the current state as a file that `config apply` reproduces exactly (-j: as JSON)' 'diff	the plan from the current state to FILE, one line per change, and what the rules' 'apply	make the namespace as FILE says with the fewest changes, all or nothing' 'try	apply FILE, then revert unless confirmed within the timeout (default 120 s), as ' 'confirm	keep what the waiting `config try` of this namespace applied' 'follow	apply FILE and keep it true as addresses and interfaces come and go (a service)'
        case options
            printf '%s\n' '-V	print the version' '--version	print the version' '-n	run in network namespace NAME (as `ip -n`)' '--netns	run in network namespace NAME (as `ip -n`)' '-j	JSON output (same as --format json)' '--json	JSON output (same as --format json)' '-p	indent JSON as `ip -j -p` does' '--pretty	indent JSON as `ip -j -p` does' '--format	output format; auto = table on a terminal, text otherwise' '-c	colours: auto, always or never; -c alone is always (NO_COLOR, FORCE_COLOR respec' '--color	colours: auto, always or never; -c alone is always (NO_COLOR, FORCE_COLOR respec' '-v	say what a change did (changes are silent by default, like ip)' '--verbose	say what a change did (changes are silent by default, like ip)' '-b	run the commands in FILE, one per line (- for stdin), on one socket: a regular f' '--batch	run the commands in FILE, one per line (- for stdin), on one socket: a regular f' '--force	with --batch: go on after a failing line; exit 1 if any failed' '-o	text output: end records with \'\\\' instead of a newline, as `ip -o`' '--oneline	text output: end records with \'\\\' instead of a newline, as `ip -o`' '-r	endpoint show: addresses as host names where the resolver knows one, as `ip -r`' '--resolve	endpoint show: addresses as host names where the resolver knows one, as `ip -r`' '-t	monitor: prefix each event with its time' '--timestamp	monitor: prefix each event with its time' '--debug	trace every netlink message on stderr, decoded attribute by attribute (tokens in' '-h	show help' '--help	show help'
        case 'options monitor'
            printf '%s\n' '--event	only these events (comma-separated, case-insensitive, e.g. sf_established,closed' '--token	only events of this connection (hex, as printed)' '--count	exit (0) after N printed events' '--timeout	exit (0) after this many seconds' '--rcvbuf	receive buffer of the event socket (default 4M; e.g. 262144, 512K, 16M)' '--ready-fd	once subscribed, write "READY=1" and a newline to file descriptor FD (3 or above'
        case 'options stats'
            printf '%s\n' '--all	also show counters that are zero' '--delta	show the change over SECONDS instead of the values' '--watch	refresh every SECONDS: a live table on a terminal, JSON Lines when piped' '--prometheus	print the Prometheus text exposition format (counters, endpoints, limits, connec' '--output	with --prometheus: write FILE atomically (for node_exporter\'s textfile collector'
        case 'options exporter'
            printf '%s\n' '--listen	ADDR:PORT (or PORT) to listen on; default 127.0.0.1:9891, localhost only' '--max-connections	HTTP connections served at once; more are closed at once (default 128)' '--max-age	serve a reading younger than SECONDS instead of reading again (default 1; 0: alw' '--no-events	no background event monitor (it needs CAP_NET_ADMIN)'
    end
end

function __mptcpctl_match
    for candidate in $argv[2..-1]
        if test -n "$argv[1]"; and string match -q -- "$argv[1]*" $candidate
            echo $candidate
            return
        end
    end
end

function __mptcpctl_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l object
    set -l verb
    set -l last
    set -l netns
    set -l skip 0
    for i in (seq 2 (count $words))
        set -l word $words[$i]
        if test $skip = 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $word
            if test -n "$(__mptcpctl_value $word)"
                set skip 1
                if contains -- $word -n --netns
                    set -q words[(math $i + 1)]; and set netns $words[(math $i + 1)]
                end
            end
            continue
        end
        if test -z "$object"
            test $word = mptcp; and continue
            set object (__mptcpctl_alias $word)
            test -n "$object"; or set object (__mptcpctl_match $word $__mptcpctl_objects)
            test -n "$object"; or set object $word
            continue
        end
        if test -z "$verb"
            set -l verbs (string split ' ' -- (__mptcpctl_verbs $object))
            if test -n "$verbs"
                set verb (__mptcpctl_match $word $verbs)
                test -n "$verb"; and continue
                set verb (__mptcpctl_implicit $object)
                test -n "$verb"; or set verb $word
            end
        end
        set last $word
    end
    set -l source
    if test (count $words) -gt 1; and string match -q -- '-*' $words[-1]
        set source (__mptcpctl_value $words[-1])
    end
    if test -z "$source"
        if string match -q -- '-*' $cur
            __mptcpctl_describe options
            __mptcpctl_describe "options $object"
            string match -- '-*' (string split ' ' -- (__mptcpctl_keywords "$object $verb"))
            return
        end
        if test -z "$object"
            __mptcpctl_describe objects
            return
        end
        if test -n "$(__mptcpctl_verbs $object)"; and test -z "$verb"
            __mptcpctl_describe "verbs $object"
            set -l default (__mptcpctl_implicit $object)
            test -n "$default"; and string split ' ' -- (__mptcpctl_keywords "$object $default")
            return
        end
        test -n "$last"; and set source (__mptcpctl_value "$object $verb $last")
        if test -z "$source"
            string split ' ' -- (__mptcpctl_keywords "$object $verb")
            return
        end
    end
    set -l kind (string split ' ' -- $source)
    switch $kind[1]
        case choices
            printf '%s\n' $kind[2..-1]
        case file
            __fish_complete_path $cur
        case events
            set -l head (string match -r '^.*,' -- $cur)
            printf "$head%s\n" $__mptcpctl_events
        case ids devs tokens netns
            $words[1] __complete $kind[1] $netns 2>/dev/null
    end
end

complete -c mptcpctl -f -a '(__mptcpctl_complete)'
