/** Azurite and the Cosmos stand-in for one test file: started before it, stopped after it even when it fails. */
import { startAzurite, type RunningAzurite } from '../../devhost/standins/azurite';
import { startCosmos, type RunningCosmos } from '../../devhost/standins/cosmos';

export function useStandins(): { azurite(): RunningAzurite; cosmos(): RunningCosmos } {
  let azurite: RunningAzurite | undefined;
  let cosmos: RunningCosmos | undefined;
  beforeAll(async () => {
    [azurite, cosmos] = await Promise.all([startAzurite({}), startCosmos()]);
  });
  afterAll(async () => {
    await Promise.allSettled([azurite?.stop(), cosmos?.stop()]);
  });
  const started = <T>(standin: T | undefined): T => {
    if (!standin) throw new Error('stand-in did not start');
    return standin;
  };
  return { azurite: () => started(azurite), cosmos: () => started(cosmos) };
}
