-- Traits, as Triton's packages and images have them: what a compute node must advertise
-- (gantry agent --trait K=V) to take a machine. A trait's value is a string, a boolean or an array
-- of those (any one will do). A machine records the image's and the package's merged at create, so
-- placement (and any later placement) reads them from the machine, not from a catalogue that may change.
alter table packages add column traits jsonb not null default '{}';
alter table images add column traits jsonb not null default '{}';
alter table machines add column traits jsonb not null default '{}';
