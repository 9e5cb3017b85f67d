-- How clients reach a centre and its municipality's data protection officer, kept by
-- administrators and printed on the receipt and the data-use notice; the place names where the
-- centre's documents are signed. One document (parts: place, address, phone, email,
-- opening_hours, data_protection_officer), every part optional.
ALTER TABLE centres ADD COLUMN contact jsonb NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(contact) = 'object');
