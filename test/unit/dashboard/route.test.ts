import { routeOf } from '../../../dashboard/web/model/route';

describe("the dashboard's routes", () => {
  it('names a rollout by its id, anything else is the overview', () => {
    expect(routeOf('#/rollouts/ro-1%2F2')).toEqual({ view: 'rollout', id: 'ro-1/2' });
    expect(routeOf('#/')).toEqual({ view: 'overview' });
    expect(routeOf('')).toEqual({ view: 'overview' });
    expect(routeOf('#/rollouts/%E0%A4%A')).toEqual({ view: 'overview' });
    expect(routeOf('#/new')).toEqual({ view: 'new-rollout' });
  });
});
