// The demo company of the sandbox: an admin, two training moderators, six learners, one external user, two workgroups.
import type { Portal } from './portal.js';

export interface DemoIds {
  admin: number;
  moderators: [number, number];
  learners: [number, number, number, number, number, number];
  external: number;
  /** Owned by moderator 1, with moderator 2 as a moderator and three learners. */
  moderatorGroup: number;
  /** Owned by the admin. */
  adminGroup: number;
}

export function seedDemo(portal: Portal): DemoIds {
  const admin = portal.addUser({ name: 'Alice', lastName: 'Admin', gender: 'F', admin: true, workPosition: 'HR director', departments: [1] });
  const m1 = portal.addUser({ name: 'Mark', lastName: 'Moderator', gender: 'M', workPosition: 'Training manager', departments: [2] });
  const m2 = portal.addUser({ name: 'Mia', lastName: 'Mentor', gender: 'F', workPosition: 'Training manager', departments: [2] });
  // Positions of the seed's table of intended staff, so the default training rules place them (two per risk group).
  const names: Array<[string, string, 'M' | 'F', string]> = [
    ['Anna', 'Petrova', 'F', 'Driver'],
    ['Ben', 'Carter', 'M', 'Secretary'],
    ['Chloe', 'Davis', 'F', 'Marketing specialist'],
    ['Daniel', 'Evans', 'M', 'Engineer'],
    ['Emma', 'Foster', 'F', 'Programmer'],
    ['Felix', 'Garcia', 'M', 'Accountant'],
  ];
  const learners = names.map(([name, lastName, gender, workPosition]) =>
    portal.addUser({ name, lastName, gender, workPosition, departments: [3] }),
  );
  const external = portal.addUser({ name: 'Oscar', lastName: 'Outsider', gender: 'M', extranet: true, workPosition: 'Contractor' });
  const [l1, l2, l3, l4, l5, l6] = learners.map((u) => u.id) as [number, number, number, number, number, number];
  const moderatorGroup = portal.addWorkgroup({
    name: 'Sales onboarding',
    description: 'First weeks of the new sales team',
    ownerId: m1.id,
    moderatorIds: [m2.id],
    memberIds: [l1, l2, l3],
    initiatePerms: 'E',
  });
  const adminGroup = portal.addWorkgroup({
    name: 'Leadership school',
    description: 'Courses for team leads',
    ownerId: admin.id,
    memberIds: [l4],
  });
  return {
    admin: admin.id,
    moderators: [m1.id, m2.id],
    learners: [l1, l2, l3, l4, l5, l6],
    external: external.id,
    moderatorGroup: moderatorGroup.id,
    adminGroup: adminGroup.id,
  };
}
