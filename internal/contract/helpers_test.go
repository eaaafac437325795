package contract_test

import (
	"errors"

	"zorginkoop/internal/apperr"
)

func asErr(err error, target **apperr.Error) bool { return errors.As(err, target) }
