package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// Argon2id parameters (OWASP's minimum: 19 MiB, 2 passes). They are stored with each
// hash, so they can be raised later without breaking existing passwords.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// checkPassword says in plain words what is wrong with a new password.
func checkPassword(pw string) error {
	if err := text.Check("password", pw, text.Password); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(pw); n < MinPasswordLength {
		return &apperr.Error{Code: apperr.Invalid, Field: "password",
			Message: fmt.Sprintf("the password has %d characters; at least %d are required", n, MinPasswordLength),
			Dutch:   fmt.Sprintf("Het wachtwoord heeft %d tekens; er zijn er minstens %d nodig.", n, MinPasswordLength)}
	}
	return nil
}

// hashPassword returns the argon2id hash of pw in the PHC string format.
func hashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// passwordMatches checks pw against a hash made by hashPassword, in constant time.
func passwordMatches(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var mem, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is compared against when an e-mail address is unknown, so that a login for a
// missing account takes as long as one for an existing account.
var dummyHash = hashPassword("not a password of anyone")

// newSecret returns a random secret for a cookie, link or API token, and the hash to store.
func newSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is how sessions and tokens are looked up: by the SHA-256 of the secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
