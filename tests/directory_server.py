"""A real OpenLDAP directory for the tests (issue 23): Debian's slapd started on a free local
port with a small directory of Thai and English names, a service account, a locked account (the
ppolicy overlay refuses its binds), an entry that matches no person and two entries with one user
name. `DirectoryServer.stop()` stops it mid-test to show what people see then."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SUFFIX = "dc=bma,dc=go,dc=th"
SERVICE_DN = f"cn=thaksa,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-account-secret"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb.la
moduleload ppolicy.la
pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
rootpw admin-secret
directory {dir}/data
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{suffix}"
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


def _person(uid, cn, sn, display, number, mail, password, ou="people", extra=""):
    lines = [
        f"dn: uid={uid},ou={ou},{SUFFIX}",
        "objectClass: inetOrgPerson",
        f"uid: {uid}",
        f"cn: {cn}",
        f"sn: {sn}",
        f"displayName:: {_b64(display)}",
        f"employeeNumber: {number}",
        f"userPassword: {password}",
    ]
    if mail:
        lines.append(f"mail: {mail}")
    return "\n".join(lines) + ("\n" + extra if extra else "") + "\n"


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


ENTRIES = [
    f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: bma\no: BMA\n",
    f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n",
    f"dn: ou=contractors,{SUFFIX}\nobjectClass: organizationalUnit\nou: contractors\n",
    f"dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n",
    f"dn: ou=policies,{SUFFIX}\nobjectClass: organizationalUnit\nou: policies\n",
    f"dn: cn=default,ou=policies,{SUFFIX}\nobjectClass: device\nobjectClass: pwdPolicy\n"
    "cn: default\npwdAttribute: userPassword\npwdLockout: TRUE\n",
    f"dn: {SERVICE_DN}\nobjectClass: simpleSecurityObject\nobjectClass: organizationalRole\n"
    f"cn: thaksa\nuserPassword: {SERVICE_PASSWORD}\n",
    _person(
        "somchai.j",
        "Somchai Jaidee",
        "Jaidee",
        "นายสมชาย ใจดี",
        "1001",
        "somchai.j@bma.go.th",
        "somchai-directory-pw",
    ),
    _person(
        "namfon.s",
        "Namfon Srisuk",
        "Srisuk",
        "นางน้ำฝน ศรีสุข",
        "1004",
        "namfon@bma.go.th",
        "namfon-directory-pw",
    ),
    _person(
        "wichai.r",
        "Wichai Rakngan",
        "Rakngan",
        "นายวิชัย รักงาน",
        "1003",
        "",
        "wichai-directory-pw",
        extra="pwdAccountLockedTime: 000001010000Z",
    ),
    _person("stranger", "Somsak Unknown", "Unknown", "นายสมศักดิ์ ไม่มีชื่อ", "9999", "", "stranger-pw"),
    _person("twin", "Twin One", "One", "แฝด หนึ่ง", "1005", "", "twin-pw"),
    _person(
        "kanokwan.b",
        "Kanokwan Boonma",
        "Boonma",
        "นางกนกวรรณ บุญมา",
        "2001",
        "kanokwan.b@bma.go.th",
        "kanokwan-pw",
        extra="departmentNumber: IAO-1",
    ),
    _person("twin", "Twin Two", "Two", "แฝด สอง", "1006", "", "twin-pw", ou="contractors"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def available() -> bool:
    return Path(SLAPD).exists() and Path("/usr/lib/ldap/ppolicy.la").exists()


class DirectoryServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="thaksa-slapd-"))
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.process = None
        (self.dir / "data").mkdir()
        self.config = self.dir / "slapd.conf"
        self.config.write_text(CONFIG.format(dir=self.dir, suffix=SUFFIX))
        ldif = self.dir / "entries.ldif"
        ldif.write_text("\n".join(ENTRIES), encoding="utf-8")
        subprocess.run(
            [SLAPADD, "-f", str(self.config), "-l", str(ldif)],
            check=True,
            capture_output=True,
        )

    def start(self) -> "DirectoryServer":
        self.process = subprocess.Popen(
            [SLAPD, "-f", str(self.config), "-h", self.url + "/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("slapd did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
