-- An account may hold more than one role: at a centre of one or two people, the employee is
-- also the supervisor (who still never reviews a case of their own: the server refuses it).
ALTER TABLE staff ADD COLUMN roles staff_role[];
UPDATE staff SET roles = ARRAY[role];
ALTER TABLE staff
    ALTER COLUMN roles SET NOT NULL,
    ADD CONSTRAINT staff_roles_some CHECK (cardinality(roles) >= 1 AND array_position(roles, NULL) IS NULL);
ALTER TABLE staff DROP COLUMN role;
