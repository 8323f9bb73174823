-- The working-day calendar: each year's announced exceptions to the computed holidays (days off,
-- swapped days, make-up working Saturdays), and per-agency office hours. Holidays themselves are
-- computed from the Labour Code's rules (src/modules/calendar); only exceptions are data.

create table calendar_exceptions (
  day date primary key,
  kind text not null check (kind in ('off', 'work')),
  note text not null,
  created_at timestamptz not null default now()
);

-- Office hours of an agency when they differ from OFFICE_HOURS, e.g. '07:30-11:30,13:30-17:00'.
alter table agencies add column office_hours text;

-- The calendars announced for 2024-2026 (seed/calendar/vn-2024-2026.json holds the same rows).
insert into calendar_exceptions (day, kind, note) values
  ('2024-02-08', 'off', 'Nghỉ Tết Giáp Thìn (28 tháng Chạp) theo thông báo của Thủ tướng: nghỉ từ 08/02 đến hết 14/02/2024'),
  ('2024-02-15', 'work', 'Làm việc: kỳ nghỉ Tết Giáp Thìn kết thúc 14/02/2024 (ngày nghỉ bù đã chuyển lên 08/02)'),
  ('2024-04-29', 'off', 'Hoán đổi ngày làm việc thứ Hai 29/04/2024 (làm bù thứ Bảy 04/05/2024)'),
  ('2024-05-04', 'work', 'Làm bù cho ngày 29/04/2024'),
  ('2025-01-27', 'off', 'Nghỉ Tết Ất Tỵ (28 tháng Chạp) theo thông báo của Thủ tướng: 5 ngày nghỉ Tết từ 27/01 đến 31/01/2025'),
  ('2025-02-03', 'work', 'Làm việc: kỳ nghỉ Tết Ất Tỵ kết thúc 02/02/2025 (5 ngày nghỉ Tết từ 27/01 đến 31/01/2025)'),
  ('2025-05-02', 'off', 'Hoán đổi ngày làm việc thứ Sáu 02/05/2025 (làm bù thứ Bảy 26/04/2025)'),
  ('2025-04-26', 'work', 'Làm bù cho ngày 02/05/2025'),
  ('2026-01-02', 'off', 'Hoán đổi ngày làm việc thứ Sáu 02/01/2026 (làm bù thứ Bảy 10/01/2026), văn bản 12729/VPCP-KGVX'),
  ('2026-01-10', 'work', 'Làm bù cho ngày 02/01/2026'),
  ('2026-08-31', 'off', 'Hoán đổi ngày làm việc thứ Hai 31/08/2026 (làm bù thứ Bảy 22/08/2026), Thông báo 9441/TB-BNV'),
  ('2026-08-22', 'work', 'Làm bù cho ngày 31/08/2026');
