// A portal's training starting point, made once: the sample program as a course and the Low/Average/High risk groups with their rules.
import { readFileSync } from 'node:fs';
import type { Course, GroupTraining, StudyGroup } from '../../domain/model.js';
import { DEFAULT_GROUPS } from '../../domain/training/defaults.js';
import type { Program } from '../../domain/training/model.js';
import { parseProgramFile } from '../../domain/training/program-file.js';
import { defaultRules, type RiskKey } from '../../domain/training/rules.js';
import type { PortalData, PortalTraining } from '../../store/types.js';

const SAMPLE_FILE = 'infosec-awareness.json';

let sample: Program | null | undefined;

/** The shipped sample program (data/programs), read once; null if it cannot be read (it is tested to be valid). */
export function sampleProgram(): Program | null {
  if (sample !== undefined) return sample;
  try {
    const bytes = readFileSync(new URL(`../../../data/programs/${SAMPLE_FILE}`, import.meta.url));
    const parsed = parseProgramFile(bytes, SAMPLE_FILE, { en: 'Information security awareness' });
    sample = parsed.ok ? parsed.program : null;
  } catch {
    sample = null;
  }
  return sample;
}

export function trainingOf(d: PortalData): PortalTraining {
  d.training ??= { learners: {}, rules: [] };
  return d.training;
}

export function emptyRun(): GroupTraining['run'] {
  return { started: null, pauses: [], stopped: null };
}

/**
 * The default groups (seed 003), once per portal: at install, or on the first start of a version
 * that has them. They live in the bot only (workgroupId 0): a workgroup is made when people are
 * first added. Deleted ones stay deleted: the flag, not their presence, says they were made.
 */
export function seedTrainingDefaults(d: PortalData, now: Date): void {
  const training = trainingOf(d);
  if (training.defaultsSeeded) return;
  const lang = d.installation.language === 'ru' ? 'ru' : 'en';
  const nowIso = now.toISOString();
  const program = sampleProgram();
  let courseId: number | null = null;
  if (program) {
    d.counters.course += 1;
    courseId = d.counters.course;
    const course: Course = {
      id: courseId,
      title: (lang === 'ru' ? program.title.ru : undefined) ?? program.title.en,
      url: program.topics[0]?.lessons[0]?.url ?? 'https://www.cisa.gov/secure-our-world',
      kind: 'course',
      prompts: [],
      hiddenFromExtranet: false,
      program,
      createdBy: 0,
      createdAt: nowIso,
    };
    d.courses.push(course);
  }
  const ids = {} as Record<RiskKey, number>;
  for (const def of DEFAULT_GROUPS) {
    d.counters.group += 1;
    const group: StudyGroup = {
      id: d.counters.group,
      name: def.name[lang],
      description: '',
      workgroupId: 0,
      linked: false,
      ownerId: d.installation.installerId,
      privacy: 'closed',
      accessFrom: null,
      accessTo: null,
      archived: false,
      members: [],
      courseIds: courseId === null ? [] : [courseId],
      chatDialogIds: [],
      createdBy: 0,
      createdAt: nowIso,
      training: { courseId, minutesPerWeek: def.minutesPerWeek, passPercent: def.passPercent, level: def.level, run: emptyRun() },
    };
    d.groups.push(group);
    ids[def.key] = group.id;
  }
  if (training.rules.length === 0) training.rules = defaultRules(ids);
  training.defaultsSeeded = true;
}
