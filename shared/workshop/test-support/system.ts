/**
 * `describeWithSystem('chromium', 'the page', () => ...)`: the suite runs where the program is installed.
 * Elsewhere it is reported as skipped with the install command, and under CI=true it fails instead.
 */
import { hasSystem, REQUIREMENTS, type RequirementName } from '../system-requirements';

export function describeWithSystem(requirement: RequirementName, title: string, body: () => void): void {
  if (hasSystem(requirement)) {
    describe(title, body);
    return;
  }
  const { name, install } = REQUIREMENTS[requirement];
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs ${name}`, () => {
        throw new Error(`${name} is missing: ${install}`);
      });
    });
    return;
  }
  describe(`${title} [needs ${name}: ${install}]`, () => {
    it.todo(`install ${name} to run this suite (${install})`);
  });
}
