/** What a wave must obey before it sends anything, from the control events accepted while no wave could take them. */
import { carry } from '../../../../domain/rollouts/rollout-control';

type Event = { action: 'pause' | 'resume' | 'cancel' | 'rollback'; by: string };
const e = (action: Event['action'], by = 'ops'): Event => ({ action, by });
const carryAll = (events: Event[]) => events.reduce<Event[]>((carried, event) => carry(carried, event), []);

it.each<[string, Event[], Event[]]>([
  ['nothing', [], []],
  ['a pause', [e('pause')], [e('pause')]],
  ['a pause then a resume: only the resume counts', [e('pause'), e('resume')], [e('resume')]],
  ['pause, resume, pause by someone else: the last pause', [e('pause'), e('resume'), e('pause', 'qa')], [e('pause', 'qa')]],
  ['a cancel is kept with the latest pause after it', [e('cancel'), e('pause')], [e('cancel'), e('pause')]],
  ['the first cancel or roll back wins over later ones', [e('rollback', 'a'), e('cancel', 'b'), e('rollback', 'c')], [e('rollback', 'a')]],
  ['a cancel after a pause: the cancel alone (it ends the wave)', [e('pause'), e('cancel')], [e('cancel')]],
])('%s', (_name, events, expected) => {
  expect(carryAll(events)).toEqual(expected);
});

it('never keeps more than two events, however many are sent', () => {
  const many = Array.from({ length: 1000 }, (_, i) => e((['pause', 'resume', 'cancel', 'rollback'] as const)[i % 4]!, `u${i}`));
  expect(carryAll(many).length).toBeLessThanOrEqual(2);
});
