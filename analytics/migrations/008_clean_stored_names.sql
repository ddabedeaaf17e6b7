-- Names stored before the upload check cleaned them (analytics/text.py: clean_name, NAME_MAX) are cleaned the
-- same way: control, direction-changing and zero-width characters removed (a tab or line break becomes a
-- space), whitespace collapsed, trimmed, and at most 120 characters. An organization name, an uploaded
-- file's name and the name an upload was recorded under could carry a right-to-left override or a NUL, and
-- had no length cap (tests/test_uploaded_text_attacks.py holds this and clean_name together).
CREATE MACRO cleaned_name(text, most) AS left(trim(regexp_replace(regexp_replace(regexp_replace(
    text,
    '[\t\n\r\x0b\x0c\x1c-\x1f\x{85}\x{2028}\x{2029}]', ' ', 'g'),
    '[\x00-\x1f\x7f-\x{9f}\x{61c}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}\x{2066}-\x{2069}\x{feff}]', '', 'g'),
    '[\s\p{Z}]+', ' ', 'g')), most);

UPDATE organizations SET name = cleaned_name(name, 120) WHERE name <> cleaned_name(name, 120);
UPDATE uploads SET file_name = cleaned_name(file_name, 120) WHERE file_name <> cleaned_name(file_name, 120);
UPDATE uploads SET uploaded_by = cleaned_name(uploaded_by, 254)
WHERE uploaded_by <> cleaned_name(uploaded_by, 254);

DROP MACRO cleaned_name;
