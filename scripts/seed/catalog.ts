// Product catalog the seeder draws item names from: category → subcategory → products with their unit
// and the specs (sizes, models) that make distinct names.

export type Unidade = 'un' | 'kg' | 'm' | 'l' | 'cx'

export interface Product {
  base: string
  unidade: Unidade
  specs: string[]
}

export interface Category {
  nome: string
  /** Prefix of the item codes, e.g. ELE-0001. */
  prefixo: string
  subcategorias: { nome: string; produtos: Product[] }[]
}

const p = (base: string, unidade: Unidade, specs: string[]): Product => ({ base, unidade, specs })

export const CATEGORIES: Category[] = [
  {
    nome: 'Elétrica',
    prefixo: 'ELE',
    subcategorias: [
      {
        nome: 'Cabos',
        produtos: [
          p('Cabo flexível', 'm', ['1,5mm', '2,5mm', '4mm', '6mm', '10mm']),
          p('Cabo PP', 'm', ['2x1,5mm', '3x1,5mm', '3x2,5mm', '4x4mm']),
          p('Fio rígido', 'm', ['1,5mm', '2,5mm', '4mm']),
        ],
      },
      {
        nome: 'Iluminação',
        produtos: [
          p('Lâmpada LED', 'un', ['9W', '12W', '15W', '20W', 'tubular 18W']),
          p('Refletor LED', 'un', ['30W', '50W', '100W']),
          p('Plafon LED', 'un', ['12W redondo', '18W quadrado', '24W']),
        ],
      },
      {
        nome: 'Proteção',
        produtos: [
          p('Disjuntor monopolar', 'un', ['10A', '16A', '20A', '25A', '32A']),
          p('Disjuntor bipolar', 'un', ['25A', '40A', '63A']),
          p('DPS', 'un', ['20kA', '40kA']),
          p('Fita isolante', 'un', ['10m', '20m', 'alta fusão']),
        ],
      },
      {
        nome: 'Tomadas e interruptores',
        produtos: [
          p('Tomada 2P+T', 'un', ['10A', '20A', 'dupla 10A']),
          p('Interruptor simples', 'un', ['1 tecla', '2 teclas', '3 teclas']),
          p('Caixa de luz 4x2', 'un', ['embutir', 'sobrepor']),
        ],
      },
    ],
  },
  {
    nome: 'Hidráulica',
    prefixo: 'HID',
    subcategorias: [
      {
        nome: 'Tubos',
        produtos: [
          p('Tubo PVC soldável', 'm', ['20mm', '25mm', '32mm', '50mm']),
          p('Tubo PVC esgoto', 'm', ['40mm', '50mm', '100mm']),
          p('Mangueira de jardim', 'm', ['1/2"', '3/4"']),
        ],
      },
      {
        nome: 'Conexões',
        produtos: [
          p('Joelho 90°', 'un', ['20mm', '25mm', '32mm', '50mm']),
          p('Tê soldável', 'un', ['20mm', '25mm', '32mm']),
          p('Luva de correr', 'un', ['20mm', '25mm']),
          p('Adaptador soldável', 'un', ['20mm x 1/2"', '25mm x 3/4"']),
        ],
      },
      {
        nome: 'Registros e vedação',
        produtos: [
          p('Registro de gaveta', 'un', ['1/2"', '3/4"', '1"']),
          p('Fita veda rosca', 'un', ['18mm x 10m', '18mm x 25m', '18mm x 50m']),
          p('Adesivo plástico para PVC', 'kg', ['frasco', 'bisnaga']),
        ],
      },
    ],
  },
  {
    nome: 'Ferramentas',
    prefixo: 'FER',
    subcategorias: [
      {
        nome: 'Manuais',
        produtos: [
          p('Chave de fenda', 'un', ['1/8" x 4"', '3/16" x 6"', '1/4" x 8"']),
          p('Chave Phillips', 'un', ['PH1', 'PH2', 'PH3']),
          p('Martelo de unha', 'un', ['20mm', '25mm', '27mm']),
          p('Alicate universal', 'un', ['6"', '8"']),
          p('Trena', 'un', ['3m', '5m', '8m']),
        ],
      },
      {
        nome: 'Elétricas',
        produtos: [
          p('Furadeira de impacto', 'un', ['550W', '650W', '750W']),
          p('Parafusadeira', 'un', ['12V', '18V']),
          p('Esmerilhadeira angular', 'un', ['4 1/2"', '7"']),
        ],
      },
      {
        nome: 'Fixação',
        produtos: [
          p('Parafuso sextavado', 'cx', ['M6 x 30', 'M8 x 40', 'M10 x 50']),
          p('Bucha de nylon', 'cx', ['6mm', '8mm', '10mm']),
          p('Prego com cabeça', 'kg', ['12x12', '17x27', '18x30']),
          p('Arame recozido', 'kg', ['nº 16', 'nº 18']),
          p('Broca para concreto', 'un', ['6mm', '8mm', '10mm']),
        ],
      },
    ],
  },
  {
    nome: 'Escritório',
    prefixo: 'ESC',
    subcategorias: [
      {
        nome: 'Papelaria',
        produtos: [
          p('Papel sulfite A4', 'cx', ['75g', '90g']),
          p('Bloco de notas', 'un', ['pautado', 'quadriculado', 'adesivo 76x76']),
          p('Envelope pardo', 'cx', ['A4', 'ofício', 'saco 24x34']),
        ],
      },
      {
        nome: 'Escrita',
        produtos: [
          p('Caneta esferográfica', 'cx', ['azul', 'preta', 'vermelha']),
          p('Lápis preto', 'cx', ['HB', '2B']),
          p('Marcador de texto', 'un', ['amarelo', 'verde', 'rosa']),
          p('Pincel para quadro branco', 'un', ['azul', 'preto', 'vermelho']),
        ],
      },
      {
        nome: 'Arquivo',
        produtos: [
          p('Pasta suspensa', 'cx', ['kraft', 'plástica']),
          p('Grampo para grampeador', 'cx', ['26/6', '23/10']),
          p('Clipe galvanizado', 'cx', ['2/0', '4/0', '8/0']),
        ],
      },
    ],
  },
  {
    nome: 'Limpeza',
    prefixo: 'LIM',
    subcategorias: [
      {
        nome: 'Químicos',
        produtos: [
          p('Detergente neutro', 'l', ['500ml', 'galão 5L']),
          p('Desinfetante', 'l', ['lavanda', 'eucalipto', 'pinho']),
          p('Água sanitária', 'l', ['1L', 'galão 5L']),
          p('Álcool 70%', 'l', ['líquido', 'gel']),
          p('Sabão em pó', 'kg', ['1kg', '5kg']),
        ],
      },
      {
        nome: 'Utensílios',
        produtos: [
          p('Pano de chão', 'un', ['algodão', 'microfibra']),
          p('Vassoura', 'un', ['piaçava', 'nylon']),
          p('Rodo', 'un', ['40cm', '60cm']),
          p('Esponja dupla face', 'un', ['pacote 4', 'avulsa']),
        ],
      },
      {
        nome: 'Descartáveis',
        produtos: [
          p('Saco de lixo', 'cx', ['30L', '60L', '100L']),
          p('Papel toalha interfolha', 'cx', ['1000 folhas', '2400 folhas']),
          p('Papel higiênico', 'cx', ['rolão 300m', 'folha dupla']),
        ],
      },
    ],
  },
  {
    nome: 'EPI',
    prefixo: 'EPI',
    subcategorias: [
      {
        nome: 'Proteção das mãos',
        produtos: [
          p('Luva nitrílica', 'cx', ['P', 'M', 'G']),
          p('Luva de vaqueta', 'un', ['8', '9', '10']),
          p('Luva de látex', 'un', ['P', 'M', 'G']),
        ],
      },
      {
        nome: 'Proteção da cabeça',
        produtos: [
          p('Capacete de segurança', 'un', ['branco', 'amarelo', 'azul']),
          p('Óculos de proteção', 'un', ['incolor', 'fumê']),
          p('Protetor auricular', 'cx', ['plug silicone', 'espuma']),
          p('Máscara PFF2', 'cx', ['com válvula', 'sem válvula']),
        ],
      },
      {
        nome: 'Vestimenta',
        produtos: [
          p('Colete refletivo', 'un', ['laranja', 'verde-limão']),
          p('Botina de segurança', 'un', ['38', '40', '42', '44']),
          p('Avental de PVC', 'un', ['branco', 'preto']),
        ],
      },
    ],
  },
]

/** Added to a name already taken, before falling back to a number. */
export const VARIANTS = ['linha econômica', 'linha profissional', 'reforçado', 'importado', 'kit']

/** Notes for movements that carry an `observacao`. */
export const OBSERVACOES = {
  entrada: ['Compra NF 4512', 'Reposição mensal', 'Devolução de obra', 'Transferência do almoxarifado central', 'Recebimento parcial'],
  saida: ['Requisição manutenção', 'Obra bloco B', 'Consumo interno', 'Atendimento chamado', 'Retirada equipe de campo'],
  ajuste: ['Inventário mensal', 'Correção de lançamento', 'Avaria', 'Contagem cíclica'],
} as const
