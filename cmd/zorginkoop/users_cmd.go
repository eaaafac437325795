package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	osuser "os/user"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store"
)

const usersUsage = `usage: zorginkoop users SUBCOMMAND
  users bootstrap --email E --name N [--password-file F]   the first platform administrator
  users add --org ORG --email E --name N --roles a,b [--password-file F]
  users list [--org ORG]
  users disable EMAIL [--reason R]
  users enable EMAIL [--reason R]
  users roles EMAIL --roles a,b [--reason R]
  users cert EMAIL --fingerprint HEX | --cert-file PEM | --remove
  users orgs                                                list organisations
  users org-add --id ID --kind insurer|purchaser|provider|operator --name N
                [--insurers a,b] [--providers x,y] [--kvk 12345678]
                [--oidc-issuer URL --oidc-client-id ID [--oidc-secret-file F]]

Passwords and secrets are never flag values (other users of the machine can read a
process's arguments): --password-file F reads the first line of F ("-" is standard
input); without it, bootstrap asks on the terminal. The command line acts as the
platform operator; the audit trail records it as user "system", named
"opdrachtregel (OS user)".`

// users manages organisations and their users from the command line.
func (a *app) users(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("%s", usersUsage)
	}
	cmds := map[string]func(context.Context, []string) error{
		"bootstrap": a.usersBootstrap,
		"add":       a.usersAdd,
		"list":      a.usersList,
		"disable":   func(ctx context.Context, args []string) error { return a.usersSetDisabled(ctx, args, true) },
		"enable":    func(ctx context.Context, args []string) error { return a.usersSetDisabled(ctx, args, false) },
		"roles":     a.usersRoles,
		"cert":      a.usersCert,
		"orgs":      a.usersOrgs,
		"org-add":   a.usersOrgAdd,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		return usagef("unknown users subcommand %q\n%s", args[0], usersUsage)
	}
	return cmd(ctx, args[1:])
}

// identityService is the identity service over db (see baseServices), recording in the
// audit trail.
func (a *app) identityService(db store.DB) (*identity.Service, error) {
	svc, err := a.baseServices(db)
	if err != nil {
		return nil, err
	}
	return svc.Identity, nil
}

// cliOperator is who the command line acts as: identity.System, the platform operator's
// beheerder (whoever can run this binary against the database administers the platform).
// It is not a stored user and cannot log in. The audit trail records its actions with
// user id "system" and the OS user's name, e.g. "opdrachtregel (jan)".
func (a *app) cliOperator() identity.Principal {
	name := a.getenv("USER")
	if u, err := osuser.Current(); name == "" && err == nil {
		name = u.Username
	}
	p := identity.System()
	if name != "" {
		p.User.Name += " (" + name + ")"
	}
	return p
}

// flagged renames the fields of the service's input errors to the flags that gave them,
// so that "email: ... is not an e-mail address" reads "--email: ...".
func flagged(err error, flags map[string]string) error {
	es := apperr.Errors(err)
	if es == nil {
		return err
	}
	out := make(apperr.List, len(es))
	for i, e := range es {
		c := *e
		if f, ok := flags[c.Field]; ok {
			c.Field = f
		}
		out[i] = &c
	}
	return out
}

// required reports the first empty required flag.
func required(flags ...[2]string) error {
	for _, f := range flags {
		if strings.TrimSpace(f[1]) == "" {
			return usagef("--%s is required\n%s", f[0], usersUsage)
		}
	}
	return nil
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func roles(s string) []identity.Role {
	var out []identity.Role
	for _, r := range list(s) {
		out = append(out, identity.Role(strings.ToLower(r)))
	}
	return out
}

func noArgs(pos []string, name string) error {
	if len(pos) > 0 {
		return usagef("users %s takes no arguments, got %q\n%s", name, strings.Join(pos, " "), usersUsage)
	}
	return nil
}

// oneEmail returns the single EMAIL argument.
func oneEmail(pos []string, name string) (string, error) {
	if len(pos) != 1 {
		return "", usagef("users %s needs one EMAIL argument, got %d\n%s", name, len(pos), usersUsage)
	}
	return pos[0], nil
}

func (a *app) usersBootstrap(ctx context.Context, args []string) error {
	fs := a.flags("users bootstrap")
	email := fs.String("email", "", "e-mail `address` of the first platform administrator")
	name := fs.String("name", "", "their `name`")
	pwFile := fs.String("password-file", "", "read the password from the first line of `file` (\"-\": standard input); without it the terminal asks")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if err := noArgs(pos, "bootstrap"); err != nil {
		return err
	}
	if err := required([2]string{"email", *email}, [2]string{"name", *name}); err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if n, err := db.CountUsers(ctx); err != nil {
		return err
	} else if n > 0 {
		return &apperr.Error{Code: apperr.Conflict, Message: "there are users already; bootstrap only creates the first one (add more with 'zorginkoop users add')"}
	}
	pw, err := a.readPassword(*pwFile, true)
	if err != nil {
		return err
	}
	ids, err := a.identityService(db)
	if err != nil {
		return err
	}
	u, err := ids.Bootstrap(ctx, *email, *name, pw)
	if err != nil {
		return flagged(err, map[string]string{"email": "--email", "name": "--name", "password": "--password-file"})
	}
	fmt.Fprintf(a.stdout, "Created platform administrator %s (%s) in organisation %s.\n", u.Email, u.ID, u.OrgID)
	return nil
}

func (a *app) usersAdd(ctx context.Context, args []string) error {
	fs := a.flags("users add")
	org := fs.String("org", "", "`id` of the organisation (zorginkoop users orgs lists them)")
	email := fs.String("email", "", "e-mail `address`, the user's login name")
	name := fs.String("name", "", "the user's `name`")
	roleList := fs.String("roles", "", "comma-separated `roles`, e.g. inkoper,beheerder")
	pwFile := fs.String("password-file", "", "read the password from the first line of `file` (\"-\": standard input); without it the user logs in by OpenID Connect, certificate or a reset link")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if err := noArgs(pos, "add"); err != nil {
		return err
	}
	if err := required([2]string{"org", *org}, [2]string{"email", *email}, [2]string{"name", *name}, [2]string{"roles", *roleList}); err != nil {
		return err
	}
	pw, err := a.readPassword(*pwFile, false)
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ids, err := a.identityService(db)
	if err != nil {
		return err
	}
	u, err := ids.AddUser(ctx, a.cliOperator(), identity.NewUser{OrgID: *org, Email: *email, Name: *name, Roles: roles(*roleList), Password: pw})
	if err != nil {
		return flagged(err, map[string]string{"org": "--org", "email": "--email", "name": "--name", "roles": "--roles", "password": "--password-file"})
	}
	fmt.Fprintf(a.stdout, "Added %s (%s) to %s with roles %s.\n", u.Email, u.ID, u.OrgID, joinRoles(u.Roles))
	if pw == "" {
		fmt.Fprintln(a.stdout, "The user has no password: they log in with OpenID Connect or a client certificate, or set one with \"Wachtwoord vergeten\".")
	}
	return nil
}

func joinRoles(rs []identity.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func (a *app) usersList(ctx context.Context, args []string) error {
	fs := a.flags("users list")
	org := fs.String("org", "", "only the users of the organisation with this `id`")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if err := noArgs(pos, "list"); err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *org != "" {
		if _, err := db.Organisation(ctx, *org); apperr.CodeOf(err) == apperr.NotFound {
			return apperr.Invalidf("--org", "organisation %q does not exist (see 'zorginkoop users orgs')", *org)
		} else if err != nil {
			return err
		}
	}
	ids, err := a.identityService(db)
	if err != nil {
		return err
	}
	us, err := ids.Users(ctx, a.cliOperator(), *org)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tORGANISATION\tROLES\tSTATUS\tLOGIN")
	for _, u := range us {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.OrgID, joinRoles(u.Roles), status, logins(u))
	}
	return tw.Flush()
}

// logins names the ways a user can log in.
func logins(u identity.User) string {
	var ways []string
	if u.PasswordHash != "" {
		ways = append(ways, "password")
	}
	if u.OIDCSubject != "" {
		ways = append(ways, "oidc")
	}
	if u.CertFingerprint != "" {
		ways = append(ways, "certificate")
	}
	if len(ways) == 0 {
		return "-"
	}
	return strings.Join(ways, ",")
}

// userByEmail finds the user of the EMAIL argument, naming it when there is none.
func userByEmail(ctx context.Context, db store.DB, email string) (*identity.User, error) {
	u, err := db.UserByEmail(ctx, identity.NormalizeEmail(email))
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, apperr.NotFoundf("no user has e-mail address %q (see 'zorginkoop users list')", email)
	}
	return u, err
}

func (a *app) usersSetDisabled(ctx context.Context, args []string, disabled bool) error {
	name := map[bool]string{true: "disable", false: "enable"}[disabled]
	fs := a.flags("users " + name)
	reason := fs.String("reason", "", "why (the `reason`), for the audit trail")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	email, err := oneEmail(pos, name)
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := userByEmail(ctx, db, email)
	if err != nil {
		return err
	}
	ids, err := a.identityService(db)
	if err != nil {
		return err
	}
	if _, err := ids.SetDisabled(ctx, a.cliOperator(), u.ID, disabled, *reason); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(a.stdout, "Disabled %s; their sessions have ended.\n", u.Email)
	} else {
		fmt.Fprintf(a.stdout, "Enabled %s.\n", u.Email)
	}
	return nil
}

func (a *app) usersRoles(ctx context.Context, args []string) error {
	fs := a.flags("users roles")
	roleList := fs.String("roles", "", "the new `roles`, comma-separated (they replace the current ones)")
	reason := fs.String("reason", "", "why (the `reason`), for the audit trail")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	email, err := oneEmail(pos, "roles")
	if err != nil {
		return err
	}
	if err := required([2]string{"roles", *roleList}); err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := userByEmail(ctx, db, email)
	if err != nil {
		return err
	}
	ids, err := a.identityService(db)
	if err != nil {
		return err
	}
	u, err = ids.SetRoles(ctx, a.cliOperator(), u.ID, roles(*roleList), *reason)
	if err != nil {
		return flagged(err, map[string]string{"roles": "--roles"})
	}
	fmt.Fprintf(a.stdout, "%s now has roles %s.\n", u.Email, joinRoles(u.Roles))
	return nil
}

func (a *app) usersCert(ctx context.Context, args []string) error {
	fs := a.flags("users cert")
	fingerprint := fs.String("fingerprint", "", "SHA-256 fingerprint of the client certificate (64 `hex` digits, colons allowed)")
	certFile := fs.String("cert-file", "", "PEM `file` of the client certificate; its fingerprint is computed")
	remove := fs.Bool("remove", false, "remove the user's certificate")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	email, err := oneEmail(pos, "cert")
	if err != nil {
		return err
	}
	given := 0
	for _, set := range []bool{*fingerprint != "", *certFile != "", *remove} {
		if set {
			given++
		}
	}
	if given != 1 {
		return usagef("give exactly one of --fingerprint, --cert-file or --remove\n%s", usersUsage)
	}
	if *certFile != "" {
		if *fingerprint, err = certFingerprint(*certFile); err != nil {
			return err
		}
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := userByEmail(ctx, db, email)
	if err != nil {
		return err
	}
	ids, err := a.identityService(db)
	if err != nil {
		return err
	}
	u, err = ids.SetCertificate(ctx, a.cliOperator(), u.ID, *fingerprint)
	if err != nil {
		return flagged(err, map[string]string{"fingerprint": "--fingerprint"})
	}
	if u.CertFingerprint == "" {
		fmt.Fprintf(a.stdout, "%s has no client certificate now.\n", u.Email)
	} else {
		fmt.Fprintf(a.stdout, "%s logs in with the client certificate %s.\n", u.Email, u.CertFingerprint)
	}
	return nil
}

// certFingerprint is the SHA-256 of the first certificate in a PEM file.
func certFingerprint(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", apperr.Invalidf("--cert-file", "cannot read %s: %v", file, errors.Unwrap(err))
	}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", apperr.Invalidf("--cert-file", "%s holds a certificate that does not parse: %v", file, err)
		}
		sum := sha256.Sum256(block.Bytes)
		return hex.EncodeToString(sum[:]), nil
	}
	return "", apperr.Invalidf("--cert-file", "%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", file)
}

func (a *app) usersOrgs(ctx context.Context, args []string) error {
	fs := a.flags("users orgs")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if err := noArgs(pos, "orgs"); err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	orgs, err := db.Organisations(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tNAME\tKVK\tACTS FOR\tOIDC ISSUER")
	for _, o := range orgs {
		actsFor := append(append([]string{}, o.Insurers...), o.Providers...)
		issuer := "-"
		if o.OIDC != nil {
			issuer = o.OIDC.Issuer
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Kind, o.Name, dash(o.KvK), dash(strings.Join(actsFor, ",")), issuer)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (a *app) usersOrgAdd(ctx context.Context, args []string) error {
	fs := a.flags("users org-add")
	id := fs.String("id", "", "organisation `id`: lower-case letters, digits and dashes")
	kind := fs.String("kind", "", "`kind` of organisation: insurer, purchaser, provider or operator")
	name := fs.String("name", "", "the organisation's `name`")
	kvk := fs.String("kvk", "", "KvK `number` (8 digits)")
	insurers := fs.String("insurers", "", "insurer or purchaser: the registry `insurers` it acts for, comma-separated")
	providers := fs.String("providers", "", "provider: the provider `records` it manages, comma-separated")
	issuer := fs.String("oidc-issuer", "", "OpenID Connect: the issuer `url` of the organisation's identity provider")
	clientID := fs.String("oidc-client-id", "", "OpenID Connect: the platform's client `id` at that provider")
	secretFile := fs.String("oidc-secret-file", "", "OpenID Connect: read the client secret from the first line of `file` (\"-\": standard input)")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if err := noArgs(pos, "org-add"); err != nil {
		return err
	}
	if err := required([2]string{"id", *id}, [2]string{"kind", *kind}, [2]string{"name", *name}); err != nil {
		return err
	}
	o := identity.Organisation{ID: *id, Kind: identity.OrgKind(lower(*kind)), Name: *name, KvK: *kvk, Insurers: list(*insurers), Providers: list(*providers)}
	if (*issuer == "") != (*clientID == "") || *secretFile != "" && *issuer == "" {
		return usagef("OpenID Connect needs both --oidc-issuer and --oidc-client-id (and optionally --oidc-secret-file)")
	}
	if *issuer != "" {
		if !strings.HasPrefix(*issuer, "https://") && !strings.HasPrefix(*issuer, "http://") {
			return apperr.Invalidf("--oidc-issuer", "%q is not an http(s) URL", *issuer)
		}
		o.OIDC = &identity.OIDCConfig{Issuer: strings.TrimRight(*issuer, "/"), ClientID: *clientID}
		if *secretFile != "" {
			if o.OIDC.ClientSecret, err = a.readSecret(*secretFile, "--oidc-secret-file"); err != nil {
				return err
			}
		}
	}
	lib, err := policy.LoadBase(a.policyFS())
	if err != nil {
		return fmt.Errorf("load registry: %w", err)
	}
	known := lib.Registry.InsurerSet()
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	err = a.services(db, lib).Identity.SaveOrganisation(ctx, a.cliOperator(), o, func(id string) bool { return known[id] })
	if err != nil {
		return flagged(err, map[string]string{"id": "--id", "kind": "--kind", "name": "--name", "kvk": "--kvk", "insurers": "--insurers", "providers": "--providers"})
	}
	fmt.Fprintf(a.stdout, "Saved organisation %s (%s, %s).\n", o.ID, o.Kind, o.Name)
	return nil
}

// readPassword returns the password from file (its first line; "-" is standard input).
// Without a file it asks on the terminal (twice, not echoed) when ask is set and standard
// input is a terminal, reads a line from standard input when ask is set and it is not,
// and otherwise returns "" (no password).
func (a *app) readPassword(file string, ask bool) (string, error) {
	if file != "" {
		return a.readSecret(file, "--password-file")
	}
	if !ask {
		return "", nil
	}
	if f, ok := a.input().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "Password (at least 12 characters): ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(a.stderr, "Password again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(pw) != string(again) {
			return "", usagef("the two passwords differ")
		}
		return string(pw), nil
	}
	return firstLine(a.input(), "standard input", "--password-file")
}

// readSecret reads the first line of file, or of standard input for "-".
func (a *app) readSecret(file, flagName string) (string, error) {
	if file == "-" {
		return firstLine(a.input(), "standard input", flagName)
	}
	f, err := os.Open(file)
	if err != nil {
		return "", apperr.Invalidf(flagName, "cannot read %s: %v", file, errors.Unwrap(err))
	}
	defer f.Close()
	return firstLine(f, file, flagName)
}

func firstLine(r io.Reader, what, flagName string) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read %s: %w", what, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", apperr.Invalidf(flagName, "%s gives no password or secret on its first line", what)
	}
	return line, nil
}

func (a *app) input() io.Reader {
	if a.stdin != nil {
		return a.stdin
	}
	return os.Stdin
}
