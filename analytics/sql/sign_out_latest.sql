-- When an identity last signed out (UTC), or NULL when it never has.
SELECT max(signed_out_at) FROM sign_outs WHERE identity = $identity
