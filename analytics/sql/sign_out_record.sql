-- An identity signed out at $signed_out_at (UTC): its sign-ins issued before then are over, everywhere.
INSERT INTO sign_outs (identity, signed_out_at) VALUES ($identity, $signed_out_at)
