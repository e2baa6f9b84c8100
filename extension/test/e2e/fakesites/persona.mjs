// The person helped, for one test run: every value the fake sites serve, the forms receive, the
// documents carry and the clipboard holds comes from here, so forensics can list exactly what
// must be gone. Names are distinctive (nothing else on the machine contains them); cookie values
// are random per run.

import crypto from 'node:crypto';

const rnd = (n = 12) => crypto.randomBytes(n).toString('hex');

export function makePersona() {
  const cookies = new Map();
  const persona = {
    firstName: 'Ghislaine',
    lastName: 'Quervoëc',
    fullName: 'Ghislaine Quervoëc',
    asciiName: 'Quervoec',
    taxNumber: '3071942856213',
    nir: '2 63 07 29 019 284 51',
    address: '14 impasse des Capucines, 16730 Fléac',
    login: { caf: 'g.quervoec@courriel-exemple.fr', ameli: '263072901928451', impots: '3071942856213', commerce: 'ghislaine.q' },
    password: `Mdp-${rnd(4)}-Ferme!`,
    /** Per parent domain: the values of the cookies the site sets (random per run). */
    cookie(parent) {
      if (!cookies.has(parent)) {
        cookies.set(parent, { session: `s${rnd()}`, domain: `d${rnd()}`, tracker: `t${rnd()}`, trusted: `td${rnd()}`,
          partitioned: `p${rnd()}`, script: `c${rnd()}` });
      }
      return cookies.get(parent);
    },
    /** The file name a site gives its document: the person's name is in it, as real sites do. */
    documentName(siteId) {
      return `attestation-${siteId}-${persona.asciiName}-Ghislaine.pdf`;
    },
    /**
     * Everything that must be gone, as [label, value]. `cookieParents` limits cookie values to the
     * sites really visited (a value never sent is not a secret to look for).
     */
    secrets(cookieParents = [...cookies.keys()]) {
      const out = [
        ['nom', persona.lastName],
        ['nom (ASCII)', persona.asciiName],
        ['numéro fiscal', persona.taxNumber],
        ['NIR', persona.nir],
        ['NIR (identifiant ameli)', persona.login.ameli],
        ['adresse', 'impasse des Capucines'],
        ['identifiant CAF', persona.login.caf],
        ['mot de passe', persona.password],
      ];
      for (const p of cookieParents) {
        for (const [k, v] of Object.entries(persona.cookie(p))) out.push([`cookie ${p} ${k}`, v]);
      }
      return out;
    },
  };
  return persona;
}
