// The asg route's words, in English and Spanish: its form, the fields its errors name and the kinds
// it plans, merged into the catalogs by ../messages.ts; and its rules' texts, its own.
import type { AsgRule } from "../../api";
import type { Lang } from "../../i18n";

export const en = {
  "route.asg": "EC2 Auto Scaling groups behind a load balancer",
  "field.route.asg": "the Auto Scaling group",
  "field.route.asg.ami": "the AMI",
  "field.route.asg.instanceType": "the instance type",
  "field.route.asg.capacity": "the group's capacity",
  "field.route.asg.subnets": "the group's subnets",
  "field.route.asg.healthCheckGraceSeconds": "the health check grace period",
  "field.route.asg.userData": "the user data script",
  "field.route.asg.keyPair": "the key pair",
  "field.route.asg.keyPair.name": "the key pair name",
  "field.route.asg.keyPair.savePrivateKeyTo": "the private key file",
  "field.route.asg.keyPair.publicKeyFile": "the public key file",
  "field.route.asg.scaling.targetTracking.target": "the scaling target",
  "field.route.asg.scaling.step": "step scaling",
  "field.route.asg.scaling.warmPool.minSize": "the warm pool's minimum size",
  "field.route.asg.rollout": "the rollout",
  "field.route.asg.capacity.min": "the minimum size",
  "field.route.asg.capacity.desired": "the desired size",
  "field.route.asg.capacity.max": "the maximum size",
  "field.route.asg.rollout.minHealthyPercentage": "the share kept healthy",
  "field.route.asg.scaling.scheduled.name.item": "the name of scheduled action {n}",
  "field.route.asg.scaling.scheduled.cron.item": "the cron expression of scheduled action {n}",
  "field.route.asg.scaling.scheduled.capacity.item": "the capacity of scheduled action {n}",
  "kind.SecurityGroup": "Security groups",
  "kind.KeyPair": "Key pairs",
  "kind.LaunchTemplate": "Launch templates",
  "kind.LoadBalancer": "Load balancers",
  "kind.TargetGroup": "Target groups",
  "kind.Listener": "Load balancer listeners",
  "kind.AutoScalingGroup": "Auto Scaling groups",
  "kind.ScalingPolicy": "Scaling policies",
  "kind.Alarm": "Step scaling alarms",
  "kind.ScheduledAction": "Scheduled actions",
  "kind.WarmPool": "Warm pools",
  "scale.route.asg": "EC2 Auto Scaling group",
  "dashboard.group.asg": "Auto Scaling group",
  "dashboard.running.asg": "In service",
  "dashboard.sandboxMetrics.asg":
    "The sandbox runs each instance as a process on this machine: CPU is the work its requests really cost, the load balancer serves on loopback, and the alarms and policies act as AWS's do.",
  "dashboard.loadSandbox.asg":
    "Load goes to the sandbox's load balancer on this machine; each request costs an instance 20 ms of one vCPU, so a t3.micro is saturated at 100 requests a second.",
  "scale.route.asgHelp":
    "Instances behind an Application Load Balancer; the group adds and removes them to keep a metric near its target.",
  "scale.instances": "Instances",
  "scale.instanceType": "Instance type",
  "scale.instanceTypeHelp": "Any type the region offers; it is checked against the region before the plan.",
  "scale.ami": "Machine image",
  "scale.amiLatest": "Latest Amazon Linux 2023",
  "scale.amiCustom": "A specific AMI",
  "scale.amiId": "AMI id",
  "scale.amiHelp":
    "The latest image is looked up for the instance type's architecture; a specific AMI must exist in the stack's region.",
  "scale.subnets": "Subnets for the instances",
  "scale.subnets.public": "Public",
  "scale.subnets.private": "Private",
  "scale.subnets.publicHelp":
    "As in the walkthrough: instances get public addresses but only accept traffic from the load balancer.",
  "scale.subnets.privateHelp":
    "No public addresses; the instances reach the internet through the NAT gateway, so choose one on the Network step.",
  "scale.capacity": "How many instances",
  "scale.capacity.min": "Minimum",
  "scale.capacity.desired": "Start with",
  "scale.capacity.max": "Maximum",
  "scale.capacityHelp": "The group never goes below the minimum nor above the maximum (at most 100).",
  "scale.policy": "What makes it scale",
  "scale.metric": "Follow",
  "scale.metric.cpu": "Average CPU",
  "scale.metric.requestsPerTarget": "Requests per instance",
  "scale.metric.off": "Nothing (manual only)",
  "scale.metric.cpuHelp": "Instances are added when the group's average CPU stays above the target, removed when below.",
  "scale.metric.requestsPerTargetHelp":
    "Instances are added when each one serves more load balancer requests per minute than the target.",
  "scale.metric.offHelp": "The group keeps its size until you change it from the dashboard or the CLI.",
  "scale.target.cpu": "Target CPU (%)",
  "scale.target.requestsPerTarget": "Requests per minute",
  "scale.health": "Health and rolling updates",
  "scale.grace": "Grace period (s)",
  "scale.minHealthy": "Kept healthy (%)",
  "scale.healthHelp":
    "New instances get the grace period before failed health checks count. When the template changes, instances are replaced while this share stays in service.",
  "scale.valid.asg": "The scaling settings are valid.",
  "scale.how.asg":
    "After the apply, the dashboard charts CPU, capacity and requests from CloudWatch, lets you set the size by hand and sends load at the load balancer to watch the group react.",
} as const;

export const es: Record<keyof typeof en, string> = {
  "route.asg": "Grupos de Auto Scaling de EC2 tras un balanceador de carga",
  "field.route.asg": "el grupo de Auto Scaling",
  "field.route.asg.ami": "la AMI",
  "field.route.asg.instanceType": "el tipo de instancia",
  "field.route.asg.capacity": "la capacidad del grupo",
  "field.route.asg.subnets": "las subredes del grupo",
  "field.route.asg.healthCheckGraceSeconds": "el periodo de gracia de las comprobaciones de estado",
  "field.route.asg.userData": "el script de datos de usuario",
  "field.route.asg.keyPair": "el par de claves",
  "field.route.asg.keyPair.name": "el nombre del par de claves",
  "field.route.asg.keyPair.savePrivateKeyTo": "el archivo de la clave privada",
  "field.route.asg.keyPair.publicKeyFile": "el archivo de la clave pública",
  "field.route.asg.scaling.targetTracking.target": "el objetivo de escalado",
  "field.route.asg.scaling.step": "el escalado por pasos",
  "field.route.asg.scaling.warmPool.minSize": "el tamaño mínimo del grupo en caliente",
  "field.route.asg.rollout": "el despliegue",
  "field.route.asg.capacity.min": "el tamaño mínimo",
  "field.route.asg.capacity.desired": "el tamaño deseado",
  "field.route.asg.capacity.max": "el tamaño máximo",
  "field.route.asg.rollout.minHealthyPercentage": "la parte que se mantiene sana",
  "field.route.asg.scaling.scheduled.name.item": "el nombre de la acción programada {n}",
  "field.route.asg.scaling.scheduled.cron.item": "la expresión cron de la acción programada {n}",
  "field.route.asg.scaling.scheduled.capacity.item": "la capacidad de la acción programada {n}",
  "kind.SecurityGroup": "Grupos de seguridad",
  "kind.KeyPair": "Pares de claves",
  "kind.LaunchTemplate": "Plantillas de lanzamiento",
  "kind.LoadBalancer": "Balanceadores de carga",
  "kind.TargetGroup": "Grupos de destino",
  "kind.Listener": "Agentes de escucha del balanceador",
  "kind.AutoScalingGroup": "Grupos de Auto Scaling",
  "kind.ScalingPolicy": "Políticas de escalado",
  "kind.Alarm": "Alarmas de escalado por pasos",
  "kind.ScheduledAction": "Acciones programadas",
  "kind.WarmPool": "Grupos de instancias preparadas",
  "scale.route.asg": "Grupo de Auto Scaling de EC2",
  "dashboard.group.asg": "Grupo de Auto Scaling",
  "dashboard.running.asg": "En servicio",
  "dashboard.sandboxMetrics.asg":
    "El sandbox ejecuta cada instancia como un proceso en este equipo: la CPU es el trabajo que cuestan de verdad sus peticiones, el balanceador sirve en loopback, y las alarmas y políticas actúan como las de AWS.",
  "dashboard.loadSandbox.asg":
    "La carga va al balanceador del sandbox en este equipo; cada petición cuesta a una instancia 20 ms de una vCPU, así que una t3.micro se satura a 100 peticiones por segundo.",
  "scale.route.asgHelp":
    "Instancias detrás de un Application Load Balancer; el grupo las añade y las quita para mantener una métrica cerca de su objetivo.",
  "scale.instances": "Instancias",
  "scale.instanceType": "Tipo de instancia",
  "scale.instanceTypeHelp": "Cualquier tipo que ofrezca la región; se comprueba con la región antes del plan.",
  "scale.ami": "Imagen de máquina",
  "scale.amiLatest": "Amazon Linux 2023 más reciente",
  "scale.amiCustom": "Una AMI concreta",
  "scale.amiId": "Id de la AMI",
  "scale.amiHelp":
    "La imagen más reciente se busca para la arquitectura del tipo de instancia; una AMI concreta debe existir en la región de la pila.",
  "scale.subnets": "Subredes de las instancias",
  "scale.subnets.public": "Públicas",
  "scale.subnets.private": "Privadas",
  "scale.subnets.publicHelp":
    "Como en el tutorial: las instancias tienen direcciones públicas pero solo aceptan tráfico del balanceador.",
  "scale.subnets.privateHelp":
    "Sin direcciones públicas; las instancias salen a internet por la pasarela NAT, así que elige una en el paso Red.",
  "scale.capacity": "Cuántas instancias",
  "scale.capacity.min": "Mínimo",
  "scale.capacity.desired": "Empezar con",
  "scale.capacity.max": "Máximo",
  "scale.capacityHelp": "El grupo nunca baja del mínimo ni pasa del máximo (como mucho 100).",
  "scale.policy": "Qué lo hace escalar",
  "scale.metric": "Seguir",
  "scale.metric.cpu": "CPU media",
  "scale.metric.requestsPerTarget": "Peticiones por instancia",
  "scale.metric.off": "Nada (solo a mano)",
  "scale.metric.cpuHelp": "Se añaden instancias cuando la CPU media del grupo supera el objetivo y se quitan cuando queda por debajo.",
  "scale.metric.requestsPerTargetHelp":
    "Se añaden instancias cuando cada una atiende más peticiones por minuto del balanceador que el objetivo.",
  "scale.metric.offHelp": "El grupo mantiene su tamaño hasta que lo cambies desde el panel o la CLI.",
  "scale.target.cpu": "CPU objetivo (%)",
  "scale.target.requestsPerTarget": "Peticiones por minuto",
  "scale.health": "Salud y actualizaciones graduales",
  "scale.grace": "Periodo de gracia (s)",
  "scale.minHealthy": "Sanas durante el cambio (%)",
  "scale.healthHelp":
    "Las instancias nuevas tienen el periodo de gracia antes de que cuenten los chequeos fallidos. Cuando cambia la plantilla, las instancias se sustituyen manteniendo esta parte en servicio.",
  "scale.valid.asg": "La configuración de escalado es válida.",
  "scale.how.asg":
    "Tras aplicar, el panel muestra la CPU, la capacidad y las peticiones desde CloudWatch, te deja fijar el tamaño a mano y envía carga al balanceador para ver reaccionar al grupo.",
};

/**
 * The route's rule texts, kept apart from its other words: routes share rule names (scalingTarget,
 * schedule) but not what they say, so ../../i18n.ts looks a rule up in the route the Spec uses.
 * Every rule of the route needs a text: one added on the Rust side fails to compile here.
 */
export const rules: Record<Lang, Record<AsgRule, string>> = {
  en: {
    amiId:
      "Use latest (Amazon Linux 2023) or the id of an AMI in the stack's region, such as ami-0abcd1234ef567890, built for the instance type's architecture (x86_64 or arm64).",
    instanceType: "Enter an instance type offered in the stack's region, such as t3.micro.",
    capacity:
      "Set {field} so that min ≤ desired ≤ max, with max from 1 to 100 instances (Escala's cap, so a typo can't run up a bill).",
    loadBalancerZones:
      "Use at least 2 zones with public subnets: the load balancer needs public subnets in 2 or more zones.",
    healthCheckGrace: "Set {field} between 0 and 7200 seconds (2 hours).",
    userData:
      "Shorten {field}: AWS accepts at most 12,288 bytes of user data (16 KB once base64-encoded).",
    keyPair:
      "Name the key pair with 1 to 255 printable ASCII characters and no spaces, and set exactly one of savePrivateKeyTo (AWS creates the pair) or publicKeyFile (to import your own public key).",
    keyFile:
      "Choose another file for {field}: a private key is saved to a new file in a folder that exists (Escala never overwrites a key), and a public key must be a readable OpenSSH key starting with ssh-ed25519 or ssh-rsa.",
    scalingTarget:
      "Set {field} to a CPU percentage above 0 and up to 100 or, when scaling on requests, to at least 1 request per instance.",
    stepScaling:
      "For step scaling, use a CPU threshold above 0 and up to 100%, add at least 1 instance each time, and have the CPU stay above the threshold for 1 to 60 minutes.",
    schedule:
      "Correct {field}: each scheduled action needs its own name of 1 to 64 letters, digits, - or _, and a cron expression in UTC with 5 fields (minute hour day-of-month month day-of-week), such as 0 8 * * 1-5.",
    warmPool: "Keep {field} at or below the group's maximum capacity.",
    rollout:
      "For the rollout, set the minimum healthy percentage from 0 to 100 and the warm-up to at most 3600 seconds (1 hour).",
  },
  es: {
    amiId:
      "Usa latest (Amazon Linux 2023) o el id de una AMI de la región de la pila, por ejemplo ami-0abcd1234ef567890, creada para la arquitectura del tipo de instancia (x86_64 o arm64).",
    instanceType: "Escribe un tipo de instancia disponible en la región de la pila, por ejemplo t3.micro.",
    capacity:
      "Ajusta {field} para que mínimo ≤ deseado ≤ máximo, con un máximo de 1 a 100 instancias (el tope de Escala, para que una errata no dispare la factura).",
    loadBalancerZones:
      "Usa al menos 2 zonas con subredes públicas: el balanceador de carga necesita subredes públicas en 2 zonas o más.",
    healthCheckGrace: "Pon {field} entre 0 y 7200 segundos (2 horas).",
    userData:
      "Acorta {field}: AWS admite como máximo 12 288 bytes de datos de usuario (16 KB una vez codificados en base64).",
    keyPair:
      "Da al par de claves un nombre de 1 a 255 caracteres ASCII imprimibles sin espacios, e indica exactamente uno de savePrivateKeyTo (AWS crea el par) o publicKeyFile (para importar tu propia clave pública).",
    keyFile:
      "Elige otro archivo para {field}: la clave privada se guarda en un archivo nuevo dentro de una carpeta que exista (Escala nunca sobrescribe una clave), y la clave pública debe ser una clave OpenSSH legible que empiece por ssh-ed25519 o ssh-rsa.",
    scalingTarget:
      "Pon {field} en un porcentaje de CPU mayor que 0 y de hasta 100 o, si se escala por peticiones, en al menos 1 petición por instancia.",
    stepScaling:
      "Para el escalado por pasos, usa un umbral de CPU mayor que 0 y de hasta el 100 %, añade al menos 1 instancia cada vez y exige que la CPU supere el umbral durante un periodo de 1 a 60 minutos.",
    schedule:
      "Corrige {field}: cada acción programada necesita un nombre propio de 1 a 64 letras, dígitos, - o _, y una expresión cron en UTC de 5 campos (minuto hora día-del-mes mes día-de-la-semana), por ejemplo 0 8 * * 1-5.",
    warmPool: "Haz que {field} no supere la capacidad máxima del grupo.",
    rollout:
      "Para el despliegue, pon el porcentaje mínimo de instancias en buen estado entre 0 y 100 y el calentamiento en 3600 segundos (1 hora) como máximo.",
  },
};
